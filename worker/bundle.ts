/** `npm run bundle`: prebundles workflow code so production workers start fast and run exactly what was built. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { repoRoot } from '../toolchain/paths.js';
import { bundlerOptions, workflowsPath } from './create-worker.js';

export const workflowBundlePath = path.join(repoRoot, 'dist', 'workflow-bundle.js');

if (import.meta.url === `file://${process.argv[1]}`) {
  const { code } = await bundleWorkflowCode({ workflowsPath, ...bundlerOptions });
  await mkdir(path.dirname(workflowBundlePath), { recursive: true });
  await writeFile(workflowBundlePath, code);
  console.log(`工作流代码已打包：${workflowBundlePath}（${(code.length / 1024).toFixed(0)} KB）`);
}
