import { afterAll, beforeAll } from 'vitest';
import { openPostgresRobotWindow } from '../../../activities/notify/log/robot-window-postgres.js';
import { startEphemeralPostgres, type EphemeralPostgres } from '../../../toolchain/postgres.js';
import { robotWindowContract } from '../../unit/notify/support/robot-window-contract.js';

// No skip when PostgreSQL is missing: startEphemeralPostgres fails with the reason.
let server: EphemeralPostgres;
beforeAll(async () => {
  server = await startEphemeralPostgres({
    onLog: (line) => /ERROR|FATAL|PANIC/.test(line) && process.stderr.write(`[postgres] ${line}\n`),
  });
});
afterAll(async () => {
  await server?.stop();
});

robotWindowContract('PostgreSQL', {
  async open() {
    const url = await server.createDatabase();
    return { store: await openPostgresRobotWindow(url), openAnother: () => openPostgresRobotWindow(url) };
  },
});
