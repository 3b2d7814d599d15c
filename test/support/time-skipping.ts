import type { WorkflowClientInterceptor } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTestServer } from '../../toolchain/test-server.js';
import { DAY_MS, testDaysAhead } from './days-ahead.js';

/**
 * A time-skipping environment on the project's own cached Java test server (no SDK download),
 * its clock moved `TEST_DAYS_AHEAD` days forward before anything runs on it.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  exitWhenOrphaned();
  const path = await ensureTestServer();
  const started: string[] = [];
  // The Java test server cannot list workflows: its client remembers what it started, for the replay check.
  const recorder: WorkflowClientInterceptor = {
    start: (input, next) => (started.push(input.options.workflowId), next(input)),
    startWithDetails: (input, next) => (started.push(input.options.workflowId), next(input)),
    signalWithStart: (input, next) => (started.push(input.options.workflowId), next(input)),
  };
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
    client: { interceptors: { workflow: [recorder] } },
  });
  startedWorkflows.set(env, started);
  const ahead = testDaysAhead();
  if (ahead > 0) {
    // Nothing runs yet, so the server jumps straight to the new day.
    const before = await env.currentTimeMs();
    await env.sleep(ahead * DAY_MS);
    const moved = (await env.currentTimeMs()) - before;
    if (moved < ahead * DAY_MS) throw new Error(`测试服务器时钟只前进了 ${moved} 毫秒，应为 ${ahead} 天`);
  }
  return env;
}

const startedWorkflows = new WeakMap<TestWorkflowEnvironment, string[]>();

/** Ids of every workflow started through this environment's client, in order. */
export function workflowsStartedIn(env: TestWorkflowEnvironment): readonly string[] {
  return startedWorkflows.get(env) ?? [];
}

/** `TEST_MAX_CACHED_WORKFLOWS=0` makes every workflow task replay the whole history (the `workflow-nocache` project). */
export function maxCachedWorkflowsForTests(): number | undefined {
  const raw = process.env.TEST_MAX_CACHED_WORKFLOWS;
  return raw === undefined || raw === '' ? undefined : Number(raw);
}

let orphanGuardInstalled = false;

/**
 * A vitest fork whose parent died (crash, SIGKILL) keeps running its test otherwise, and the Java
 * server it started stays up with it. Leaving when the IPC channel closes lets the server's
 * watcher stop the server too.
 */
function exitWhenOrphaned(): void {
  if (orphanGuardInstalled || !process.connected) return;
  orphanGuardInstalled = true;
  process.once('disconnect', () => process.exit(1));
}
