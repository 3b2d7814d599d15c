import type pg from 'pg';
import {
  ACTIVE_CAMPAIGNS_SQL,
  fromHealthRow,
  HEALTH_COLUMNS,
  HEALTH_SCHEMA,
  healthUpsertSql,
  scanMark,
  toHealthRow,
  type HealthRow,
  type ScanRow,
} from './health.js';
import { boardReader } from './board-queries.js';
import { BOARD_SCHEMA, boardWrites, numbered, STALE_BOARD_SQL } from './board-schema.js';
import {
  ADD_GROUP_NAME,
  fromRow,
  STATUS_COLUMNS,
  STATUS_SCHEMA,
  toRow,
  type StatusFilter,
  type StatusRow,
  type StatusStore,
  type UnitStatusRecord,
} from './status-store.js';
import { openPool } from '../../db/pool.js';

const cols = STATUS_COLUMNS.join(', ');
const params = STATUS_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
const updates = STATUS_COLUMNS.filter((c) => c !== 'campaign_id' && c !== 'unit_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

/** Used when DATABASE_URL is set: every worker publishes and every API process reads the same rows. */
export async function openPostgresStatusStore(connectionString: string): Promise<StatusStore> {
  const pool = openPool(connectionString, { max: 10 });
  const setup = await pool.connect();
  try {
    // Workers starting together race to create the table; an advisory lock serialises it.
    await setup.query('SELECT pg_advisory_lock(7215502)');
    for (const sql of [...STATUS_SCHEMA, ...HEALTH_SCHEMA, ...BOARD_SCHEMA]) await setup.query(sql);
    await setup.query(ADD_GROUP_NAME.replace('ADD COLUMN', 'ADD COLUMN IF NOT EXISTS'));
    // Rows published before the board existed (or by an older derivation) get their board rows now.
    for (const s of (await setup.query<{ campaign_id: string; unit_id: string }>(STALE_BOARD_SQL)).rows)
      await inTransaction(setup, async () => {
        const row = (
          await setup.query<StatusRow>(
            'SELECT * FROM unit_status WHERE campaign_id = $1 AND unit_id = $2 FOR UPDATE',
            [s.campaign_id, s.unit_id],
          )
        ).rows[0];
        if (row) await writeBoard(setup, fromRow(row));
      });
    await setup.query('SELECT pg_advisory_unlock(7215502)');
  } finally {
    setup.release();
  }
  const rows = async (sql: string, values: unknown[]) =>
    (await pool.query<StatusRow>(sql, values)).rows.map(fromRow);
  return {
    async publish(r: UnitStatusRecord) {
      const row = toRow(r);
      const client = await pool.connect();
      try {
        // The row lock of the upsert orders concurrent publishes of one unit: the board rows are the winner's.
        return await inTransaction(client, async () => {
          const res = await client.query(
            `INSERT INTO unit_status (${cols}) VALUES (${params})
             ON CONFLICT (campaign_id, unit_id) DO UPDATE SET ${updates}
             WHERE excluded.run > unit_status.run OR (excluded.run = unit_status.run AND excluded.seq > unit_status.seq)`,
            STATUS_COLUMNS.map((c) => row[c]),
          );
          if ((res.rowCount ?? 0) === 0) return 'stale';
          await writeBoard(client, r);
          return 'stored';
        });
      } finally {
        client.release();
      }
    },
    ...boardReader(
      async (sql, values) => (await pool.query<Record<string, unknown>>(numbered(sql), values)).rows,
    ),
    async get(campaignId, unitId) {
      return (
        await rows('SELECT * FROM unit_status WHERE campaign_id = $1 AND unit_id = $2', [campaignId, unitId])
      )[0];
    },
    async list(campaignId, filter: StatusFilter = {}) {
      const found =
        filter.groupId !== undefined
          ? await rows(
              'SELECT * FROM unit_status WHERE campaign_id = $1 AND group_id = $2 ORDER BY unit_id',
              [campaignId, filter.groupId],
            )
          : await rows('SELECT * FROM unit_status WHERE campaign_id = $1 ORDER BY unit_id', [campaignId]);
      const wanted = filter.unitIds ? new Set(filter.unitIds) : undefined;
      return found.filter((r) => !wanted || wanted.has(r.unitId));
    },
    async overdueWakeUps(campaignId, before) {
      return rows(
        `SELECT * FROM unit_status WHERE campaign_id = $1 AND phase = 'running' AND next_wake_at IS NOT NULL AND next_wake_at < $2 ORDER BY unit_id`,
        [campaignId, before],
      );
    },
    async health(campaignId, o = {}) {
      const found = (
        await pool.query<HealthRow>('SELECT * FROM unit_health WHERE campaign_id = $1 ORDER BY unit_id', [
          campaignId,
        ])
      ).rows.map(fromHealthRow);
      return o.states ? found.filter((r) => o.states!.includes(r.state)) : found;
    },
    async healthOf(campaignId, unitId) {
      const row = (
        await pool.query<HealthRow>('SELECT * FROM unit_health WHERE campaign_id = $1 AND unit_id = $2', [
          campaignId,
          unitId,
        ])
      ).rows[0];
      return row ? fromHealthRow(row) : undefined;
    },
    async putHealth(records) {
      if (records.length === 0) return;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const r of records) {
          const row = toHealthRow(r);
          await client.query(
            healthUpsertSql(HEALTH_COLUMNS.map((_, i) => `$${i + 1}`)),
            HEALTH_COLUMNS.map((c) => row[c]),
          );
        }
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      } finally {
        client.release();
      }
    },
    async noteSuspect(campaignId, unitId, at, note) {
      await pool.query(
        `INSERT INTO unit_health (campaign_id, unit_id, state, note, since, checked_at) VALUES ($1, $2, 'suspect', $3, $4, $4)
         ON CONFLICT (campaign_id, unit_id) DO NOTHING`,
        [campaignId, unitId, note, new Date(at).toISOString()],
      );
    },
    async clearHealth(campaignId, unitIds) {
      if (unitIds.length > 0)
        await pool.query('DELETE FROM unit_health WHERE campaign_id = $1 AND unit_id = ANY($2::text[])', [
          campaignId,
          [...unitIds],
        ]);
    },
    async claimHealthScan(campaignId, now, staleBefore) {
      const res = await pool.query(
        `INSERT INTO unit_health_scan (campaign_id, started_at) VALUES ($1, $2)
         ON CONFLICT (campaign_id) DO UPDATE SET started_at = excluded.started_at WHERE unit_health_scan.started_at < $3`,
        [campaignId, now, staleBefore],
      );
      return (res.rowCount ?? 0) > 0;
    },
    async finishHealthScan(campaignId, at, stuck) {
      await pool.query('UPDATE unit_health_scan SET finished_at = $1, stuck = $2 WHERE campaign_id = $3', [
        at,
        stuck,
        campaignId,
      ]);
    },
    async lastHealthScan(campaignId) {
      const row = (
        await pool.query<ScanRow>('SELECT * FROM unit_health_scan WHERE campaign_id = $1', [campaignId])
      ).rows[0];
      return row ? scanMark(row) : undefined;
    },
    async activeCampaigns() {
      return (await pool.query<{ campaign_id: string }>(ACTIVE_CAMPAIGNS_SQL)).rows.map((r) => r.campaign_id);
    },
    async restartPublishOrder(campaignId, unitId) {
      for (const table of ['unit_status', 'unit_board'])
        await pool.query(`UPDATE ${table} SET seq = 0 WHERE campaign_id = $1 AND unit_id = $2`, [
          campaignId,
          unitId,
        ]);
    },
    close: () => pool.end(),
  };
}

async function inTransaction<T>(client: pg.PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const out = await fn();
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
}

async function writeBoard(client: pg.PoolClient, r: UnitStatusRecord): Promise<void> {
  for (const w of boardWrites(r)) await client.query(numbered(w.sql), w.params);
}
