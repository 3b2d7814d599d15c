import pg from 'pg';
import { fromRow, STATUS_COLUMNS, STATUS_SCHEMA, toRow, type StatusFilter, type StatusRow, type StatusStore, type UnitStatusRecord } from './status-store.js';

const cols = STATUS_COLUMNS.join(', ');
const params = STATUS_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
const updates = STATUS_COLUMNS.filter((c) => c !== 'campaign_id' && c !== 'unit_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

/** Used when DATABASE_URL is set: every worker publishes and every API process reads the same rows. */
export async function openPostgresStatusStore(connectionString: string): Promise<StatusStore> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  const setup = await pool.connect();
  try {
    // Workers starting together race to create the table; an advisory lock serialises it.
    await setup.query('SELECT pg_advisory_lock(7215502)');
    for (const sql of STATUS_SCHEMA) await setup.query(sql);
    await setup.query('SELECT pg_advisory_unlock(7215502)');
  } finally {
    setup.release();
  }
  const rows = async (sql: string, values: unknown[]) => (await pool.query<StatusRow>(sql, values)).rows.map(fromRow);
  return {
    async publish(r: UnitStatusRecord) {
      const row = toRow(r);
      const res = await pool.query(
        `INSERT INTO unit_status (${cols}) VALUES (${params})
         ON CONFLICT (campaign_id, unit_id) DO UPDATE SET ${updates}
         WHERE excluded.run > unit_status.run OR (excluded.run = unit_status.run AND excluded.seq > unit_status.seq)`,
        STATUS_COLUMNS.map((c) => row[c]),
      );
      return (res.rowCount ?? 0) > 0 ? 'stored' : 'stale';
    },
    async get(campaignId, unitId) {
      return (await rows('SELECT * FROM unit_status WHERE campaign_id = $1 AND unit_id = $2', [campaignId, unitId]))[0];
    },
    async list(campaignId, filter: StatusFilter = {}) {
      const found =
        filter.groupId !== undefined
          ? await rows('SELECT * FROM unit_status WHERE campaign_id = $1 AND group_id = $2 ORDER BY unit_id', [campaignId, filter.groupId])
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
    close: () => pool.end(),
  };
}
