import { afterAll, beforeAll } from 'vitest';
import { openPostgresDeliveryLog } from '../../../activities/notify/log/postgres-delivery-log.js';
import { startEphemeralPostgres, type EphemeralPostgres } from '../../../toolchain/postgres.js';
import { deliveryLogContract } from '../../unit/notify/support/delivery-log-contract.js';

// No skip when PostgreSQL is missing: startEphemeralPostgres fails with the reason (binaries,
// privileges), and the suite fails with it.
let server: EphemeralPostgres;
beforeAll(async () => {
  server = await startEphemeralPostgres({ onLog: (line) => /ERROR|FATAL|PANIC/.test(line) && process.stderr.write(`[postgres] ${line}\n`) });
});
afterAll(async () => {
  await server?.stop();
});

deliveryLogContract('PostgreSQL', {
  async open() {
    const url = await server.createDatabase();
    return { log: await openPostgresDeliveryLog(url), openAnother: () => openPostgresDeliveryLog(url) };
  },
});
