import path from 'node:path';
import {
  Worker,
  type BundleOptions,
  type NativeConnection,
  type WorkerOptions,
  type WorkflowBundleOption,
} from '@temporalio/worker';

type Configuration = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { repoRoot } from '../toolchain/paths.js';

// The sources, also from the compiled worker (dist/): the SDK's bundler compiles them itself.
export const workflowsPath = path.join(repoRoot, 'workflows', 'index.ts');

/**
 * chinese-days ships an ES module that the SDK's webpack rules would parse as CommonJS; the
 * working-day calendar runs inside workflows, so the bundle must accept it. Use these options
 * wherever workflow code is bundled (worker from source, `npm run bundle`).
 */
/** The bundler's logger where a bundle is made on the fly (CLI, tests): errors only, no webpack progress. */
export const quietBundleLogger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error: (m: string) => console.error(m),
  log() {},
};

export const bundlerOptions = {
  // Evaluated once per worker thread and shared by every workflow of the reusable V8 context,
  // instead of once per workflow: chinese-days builds its tables when loaded, and the calendar's
  // memo of time-zone answers (domain/calendar/memo.ts) only pays off when it is shared. Holds no
  // per-workflow state (see memo.ts); docs/benchmarks.md "First workflow task" has the numbers.
  preloadModules: [path.join(repoRoot, 'domain', 'calendar', 'index.ts')],
  webpackConfigHook: (config: Configuration): Configuration => {
    config.module ??= {};
    config.module.rules ??= [];
    config.module.rules.push({ test: /[\\/]node_modules[\\/]chinese-days[\\/]/, type: 'javascript/auto' });
    return config;
  },
};

export interface CampaignWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Prebundled workflow code (production); without it the worker bundles from source (tests, demo). */
  workflowBundle?: WorkflowBundleOption;
  /** Sticky cache size; 0 replays every workflow task from history (tests prove determinism with it). */
  maxCachedWorkflows?: number;
  /** The production worker's extras: shutdown grace, metric sinks and workflow interceptors (worker/main.ts). */
  extra?: Pick<
    WorkerOptions,
    'shutdownGraceTime' | 'shutdownForceTime' | 'sinks' | 'interceptors' | 'identity'
  >;
}

export async function createCampaignWorker(options: CampaignWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...options.extra,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath, bundlerOptions }),
  });
}
