import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgresDeliveryLog } from '../../../activities/notify/log/postgres-delivery-log.js';
import { startEphemeralPostgres, type EphemeralPostgres } from '../../../toolchain/postgres.js';
import { deliveryLogContract } from '../../unit/notify/support/delivery-log-contract.js';

// No skip when PostgreSQL is missing: startEphemeralPostgres fails with the reason (binaries,
// privileges), and the suite fails with it.
let server: EphemeralPostgres;
beforeAll(async () => {
  server = await startEphemeralPostgres({
    onLog: (line) => /ERROR|FATAL|PANIC/.test(line) && process.stderr.write(`[postgres] ${line}\n`),
  });
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

// Store-specific: what a worker recorded must still be there after it stops and a new one opens
// the same database — the guarantee that a restart does not resend.
it('keeps its records across a close and reopen of the same database (a worker restart)', async () => {
  const { log, reopen } = await server
    .createDatabase()
    .then(async (url) => ({
      log: await openPostgresDeliveryLog(url),
      reopen: () => openPostgresDeliveryLog(url),
    }));
  const now = new Date('2009-12-09T02:00:00Z');
  const key = 'campaign/c1/unit/u7/task/plan/reminder/T-3#email#liaison#zhang@example.cn';
  const claim = await log.claim({
    deliveryKey: key,
    notificationId: 'campaign/c1/unit/u7/task/plan/reminder/T-3',
    channel: 'email',
    event: 'reminder',
    role: 'liaison',
    recipientName: '张明',
    address: 'zhang@example.cn',
    claimToken: 'token-1',
    now,
    leaseMs: 120_000,
  });
  expect(claim.kind).toBe('claimed');
  await log.markSent({ deliveryKey: key, claimToken: 'token-1', now, providerMessageId: '<m1@x>' });
  await log.close();

  const again = await reopen();
  try {
    expect(await again.get(key)).toMatchObject({ status: 'sent', providerMessageId: '<m1@x>', attempts: 1 });
  } finally {
    await again.close();
  }
});
