import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { deliveryLogContract } from './support/delivery-log-contract.js';

// A file, not :memory:, so a second handle (a second worker) shares the data.
const dir = mkdtempSync(join(tmpdir(), 'notify-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

deliveryLogContract('SQLite', {
  open() {
    const file = join(dir, `log-${++n}.sqlite`);
    return Promise.resolve({
      log: openSqliteDeliveryLog(file),
      openAnother: () => Promise.resolve(openSqliteDeliveryLog(file)),
    });
  },
});

// Store-specific: what a worker recorded must still be there after it stops and a new one opens
// the same file — the guarantee that a restart does not resend.
it('keeps its records across a close and reopen of the same file (a worker restart)', async () => {
  const { log, reopen } = await Promise.resolve({
    log: openSqliteDeliveryLog(join(dir, 'restart.sqlite')),
    reopen: () => Promise.resolve(openSqliteDeliveryLog(join(dir, 'restart.sqlite'))),
  });
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
