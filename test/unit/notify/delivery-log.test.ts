import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SCHEMA_STATEMENTS } from '../../../activities/notify/log/claim-rule.js';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { deliveryLogBundleContract } from './support/delivery-log-bundle-contract.js';
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

deliveryLogBundleContract('SQLite', {
  open() {
    const file = join(dir, `bundle-${++n}.sqlite`);
    return Promise.resolve({
      log: openSqliteDeliveryLog(file),
      openAnother: () => Promise.resolve(openSqliteDeliveryLog(file)),
    });
  },
});

// A log written before resolutions existed (no notify_resolution table) opens, lists its problems
// and takes resolutions: the new table is added, the old rows are read as they are.
it('opens a log file from before resolutions existed and resolves its problems', async () => {
  const file = join(dir, 'old.sqlite');
  const old = new Database(file);
  for (const sql of SCHEMA_STATEMENTS.filter((s) => !s.includes('notify_resolution'))) old.exec(sql);
  old
    .prepare(
      `INSERT INTO notify_delivery (delivery_key, notification_id, channel, event, role, recipient_name, address, status, attempts, error_code, error_reason, created_at, updated_at)
       VALUES ('campaign/c1/unit/u1/kickoff#email#liaison#gone@x.cn', 'campaign/c1/unit/u1/kickoff', 'email', 'kickoff', 'liaison', '张明', 'gone@x.cn', 'failed', 1, 'smtp_550', '邮箱不存在', '2009-11-10T02:00:00.000Z', '2009-11-10T02:00:00.000Z')`,
    )
    .run();
  expect(
    old.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'notify_resolution'`).get(),
  ).toEqual({ n: 0 });
  old.close();

  const log = openSqliteDeliveryLog(file);
  try {
    const key = 'campaign/c1/unit/u1/kickoff#email#liaison#gone@x.cn';
    expect((await log.problems()).map((p) => [p.deliveryKey, p.resolution])).toEqual([[key, null]]);
    await log.resolve({
      deliveryKey: key,
      kind: 'address_fixed',
      by: '孙主任',
      now: new Date('2009-11-11T02:00:00Z'),
    });
    expect(await log.problems()).toEqual([]);
    expect((await log.problems({ includeResolved: true }))[0]?.resolution?.kind).toBe('address_fixed');
  } finally {
    await log.close();
  }
});
