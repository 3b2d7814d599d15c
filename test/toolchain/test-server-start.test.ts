import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { ensureTestServer } from '../../toolchain/test-server.js';
import { freePort, waitForPort } from '../../toolchain/ports.js';

// The SDK gives the time-skipping server 5 s to answer; on a loaded 2-core machine that margin
// depends on the class-data archive really being used, which the JVM only warns about when not.
describe('time-skipping test server start', () => {
  it('starts from its class-data archive without the JVM refusing it', async () => {
    const wrapper = await ensureTestServer();
    const port = await freePort();
    const child = spawn(wrapper, [String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await waitForPort(port, 30_000);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(stderr).not.toMatch(/Unable to use shared archive|shared class paths mismatch/);
  });
});
