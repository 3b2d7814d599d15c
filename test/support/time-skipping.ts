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
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
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
