import pg from 'pg';
import { expect, it } from 'vitest';
import { SCHEMA_STATEMENTS } from '../../../activities/notify/log/claim-rule.js';
import { openPostgresDeliveryLog } from '../../../activities/notify/log/postgres-delivery-log.js';
import { postgresForThisFile } from '../support/postgres-per-file.js';
import { deliveryLogBundleContract } from '../../unit/notify/support/delivery-log-bundle-contract.js';
import { deliveryLogContract } from '../../unit/notify/support/delivery-log-contract.js';

const server = postgresForThisFile();

deliveryLogContract('PostgreSQL', {
  async open() {
    const url = await server.createDatabase();
    return { log: await openPostgresDeliveryLog(url), openAnother: () => openPostgresDeliveryLog(url) };
  },
});

deliveryLogBundleContract('PostgreSQL', {
  async open() {
    const url = await server.createDatabase();
    return { log: await openPostgresDeliveryLog(url), openAnother: () => openPostgresDeliveryLog(url) };
  },
});

// A database written before resolutions existed (no notify_resolution table) opens, lists its
// problems and takes resolutions: the new table is added, the old rows are read as they are.
it('opens a database from before resolutions existed and resolves its problems', async () => {
  const url = await server.createDatabase();
  const old = new pg.Client({ connectionString: url });
  await old.connect();
  try {
    for (const sql of SCHEMA_STATEMENTS.filter((s) => !s.includes('notify_resolution'))) await old.query(sql);
    await old.query(
      `INSERT INTO notify_delivery (delivery_key, notification_id, channel, event, role, recipient_name, address, status, attempts, error_code, error_reason, created_at, updated_at)
       VALUES ('campaign/c1/unit/u1/kickoff#email#liaison#gone@x.cn', 'campaign/c1/unit/u1/kickoff', 'email', 'kickoff', 'liaison', '张明', 'gone@x.cn', 'failed', 1, 'smtp_550', '邮箱不存在', '2009-11-10T02:00:00.000Z', '2009-11-10T02:00:00.000Z')`,
    );
    expect((await old.query(`SELECT to_regclass('notify_resolution') AS t`)).rows).toEqual([{ t: null }]);
  } finally {
    await old.end();
  }

  const log = await openPostgresDeliveryLog(url);
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
