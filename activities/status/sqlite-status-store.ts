import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fromRow, STATUS_COLUMNS, STATUS_SCHEMA, toRow, type StatusFilter, type StatusRow, type StatusStore, type UnitStatusRecord } from './status-store.js';

const cols = STATUS_COLUMNS.join(', ');
const params = STATUS_COLUMNS.map((c) => `@${c}`).join(', ');
const updates = STATUS_COLUMNS.filter((c) => c !== 'campaign_id' && c !== 'unit_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

/** The embedded default, in the same file as the delivery log (WAL: readers never block the worker). */
export function openSqliteStatusStore(path: string): StatusStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  for (const sql of STATUS_SCHEMA) db.exec(sql);
  const upsert = db.prepare(
    `INSERT INTO unit_status (${cols}) VALUES (${params})
     ON CONFLICT (campaign_id, unit_id) DO UPDATE SET ${updates}
     WHERE excluded.run > unit_status.run OR (excluded.run = unit_status.run AND excluded.seq > unit_status.seq)`,
  );
  const one = db.prepare<[string, string], StatusRow>('SELECT * FROM unit_status WHERE campaign_id = ? AND unit_id = ?');
  const all = db.prepare<[string], StatusRow>('SELECT * FROM unit_status WHERE campaign_id = ? ORDER BY unit_id');
  const byGroup = db.prepare<[string, string], StatusRow>('SELECT * FROM unit_status WHERE campaign_id = ? AND group_id = ? ORDER BY unit_id');
  const wakes = db.prepare<[string, string], StatusRow>(
    `SELECT * FROM unit_status WHERE campaign_id = ? AND phase = 'running' AND next_wake_at IS NOT NULL AND next_wake_at < ? ORDER BY unit_id`,
  );
  const run = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return {
    publish: (r: UnitStatusRecord) => run(() => (upsert.run(toRow(r)).changes > 0 ? 'stored' : 'stale')),
    get: (campaignId, unitId) =>
      run(() => {
        const row = one.get(campaignId, unitId);
        return row ? fromRow(row) : undefined;
      }),
    list: (campaignId, filter: StatusFilter = {}) =>
      run(() => {
        const rows = filter.groupId !== undefined ? byGroup.all(campaignId, filter.groupId) : all.all(campaignId);
        const wanted = filter.unitIds ? new Set(filter.unitIds) : undefined;
        return rows.filter((r) => !wanted || wanted.has(r.unit_id)).map(fromRow);
      }),
    overdueWakeUps: (campaignId, before) => run(() => wakes.all(campaignId, before).map(fromRow)),
    close: () => run(() => void db.close()),
  };
}
