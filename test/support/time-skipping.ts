import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTestServer } from '../../toolchain/test-server.js';

/** A time-skipping environment on the project's own cached Java test server (no SDK download). */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  exitWhenOrphaned();
  const path = await ensureTestServer();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
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
