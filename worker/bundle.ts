/** `npm run bundle`: prebundles workflow code so production workers start fast and run exactly what was built. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { repoRoot } from '../toolchain/paths.js';
import { bundlerOptions, workflowsPath } from './create-worker.js';
import { metricsInterceptorModule } from './metrics/first-task.js';

export const workflowBundlePath = path.join(repoRoot, 'dist', 'workflow-bundle.js');

/** Bundles the workflow code (with the metrics interceptor, whose sink worker/main.ts registers) into `file`; its size in bytes. */
export async function writeWorkflowBundle(file: string): Promise<number> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [metricsInterceptorModule],
    ...bundlerOptions,
    logger: quietLogger,
  });
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, code);
  return code.length;
}

const quietLogger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
  log: () => {},
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const bytes = await writeWorkflowBundle(workflowBundlePath);
  console.log(`工作流代码已打包：${workflowBundlePath}（${(bytes / 1024).toFixed(0)} KB）`);
}
