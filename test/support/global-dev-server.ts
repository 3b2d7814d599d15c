import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../toolchain/dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

/**
 * One Temporal dev server per test run, with the project's search attributes registered; test
 * files share it and keep apart by unique task queues and workflow ids. `TEMPORAL_ADDRESS` points
 * the tests at an existing cluster instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env.TEMPORAL_ADDRESS;
  if (existing) {
    project.provide('temporalAddress', existing);
    return async () => {};
  }
  const server = await startDevServer({
    onLog: (line) => process.stderr.write(`[temporal] ${line}\n`),
  });
  project.provide('temporalAddress', server.address);
  return () => server.stop();
}
