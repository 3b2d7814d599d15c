import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ACTIVE_CAMPAIGNS_SQL,
  fromHealthRow,
  HEALTH_COLUMNS,
  HEALTH_SCHEMA,
  healthUpsertSql,
  toHealthRow,
  scanMark,
  type HealthRow,
  type ScanRow,
} from './health.js';
import { boardReader } from './board-queries.js';
import { BOARD_SCHEMA, boardWrites, STALE_BOARD_SQL } from './board-schema.js';
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
  for (const sql of [...STATUS_SCHEMA, ...HEALTH_SCHEMA, ...BOARD_SCHEMA]) db.exec(sql);
  if (!db.prepare(`SELECT 1 FROM pragma_table_info('unit_status') WHERE name = 'group_name'`).get())
    db.exec(ADD_GROUP_NAME);
  const cache = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let st = cache.get(sql);
    if (!st) cache.set(sql, (st = db.prepare(sql)));
    return st;
  };
  const upsert = db.prepare(
    `INSERT INTO unit_status (${cols}) VALUES (${params})
     ON CONFLICT (campaign_id, unit_id) DO UPDATE SET ${updates}
     WHERE excluded.run > unit_status.run OR (excluded.run = unit_status.run AND excluded.seq > unit_status.seq)`,
  );
  const one = db.prepare<[string, string], StatusRow>(
    'SELECT * FROM unit_status WHERE campaign_id = ? AND unit_id = ?',
  );
  const all = db.prepare<[string], StatusRow>(
    'SELECT * FROM unit_status WHERE campaign_id = ? ORDER BY unit_id',
  );
  const byGroup = db.prepare<[string, string], StatusRow>(
    'SELECT * FROM unit_status WHERE campaign_id = ? AND group_id = ? ORDER BY unit_id',
  );
  const wakes = db.prepare<[string, string], StatusRow>(
    `SELECT * FROM unit_status WHERE campaign_id = ? AND phase = 'running' AND next_wake_at IS NOT NULL AND next_wake_at < ? ORDER BY unit_id`,
  );
  const health = healthStatements(db);
  /** The publish and the board rows derived from it, in one transaction. */
  const store = db.transaction((r: UnitStatusRecord): boolean => {
    if (upsert.run(toRow(r)).changes === 0) return false;
    for (const w of boardWrites(r)) prepared(w.sql).run(...w.params);
    return true;
  });
  // Rows published before the board existed (or by an older derivation) get their board rows now.
  const rederive = db.transaction((campaignId: string, unitId: string) => {
    const row = one.get(campaignId, unitId);
    if (row) for (const w of boardWrites(fromRow(row))) prepared(w.sql).run(...w.params);
  });
  for (const s of db.prepare<[], { campaign_id: string; unit_id: string }>(STALE_BOARD_SQL).all())
    rederive(s.campaign_id, s.unit_id);
  const run = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return {
    publish: (r: UnitStatusRecord) => run(() => (store(r) ? 'stored' : 'stale')),
    ...boardReader((sql, values) => run(() => prepared(sql).all(...values) as Record<string, unknown>[])),
    get: (campaignId, unitId) =>
      run(() => {
        const row = one.get(campaignId, unitId);
        return row ? fromRow(row) : undefined;
      }),
    list: (campaignId, filter: StatusFilter = {}) =>
      run(() => {
        const rows =
          filter.groupId !== undefined ? byGroup.all(campaignId, filter.groupId) : all.all(campaignId);
        const wanted = filter.unitIds ? new Set(filter.unitIds) : undefined;
        return rows.filter((r) => !wanted || wanted.has(r.unit_id)).map(fromRow);
      }),
    overdueWakeUps: (campaignId, before) => run(() => wakes.all(campaignId, before).map(fromRow)),
    health: (campaignId, o = {}) =>
      run(() => {
        const rows = health.all.all(campaignId).map(fromHealthRow);
        return o.states ? rows.filter((r) => o.states!.includes(r.state)) : rows;
      }),
    healthOf: (campaignId, unitId) =>
      run(() => {
        const row = health.one.get(campaignId, unitId);
        return row ? fromHealthRow(row) : undefined;
      }),
    putHealth: (records) =>
      run(() => db.transaction(() => records.forEach((r) => health.upsert.run(toHealthRow(r))))()),
    noteSuspect: (campaignId, unitId, at, note) =>
      run(
        () =>
          void health.suspect.run(
            campaignId,
            unitId,
            note,
            new Date(at).toISOString(),
            new Date(at).toISOString(),
          ),
      ),
    clearHealth: (campaignId, unitIds) =>
      run(() => db.transaction(() => unitIds.forEach((u) => health.clear.run(campaignId, u)))()),
    claimHealthScan: (campaignId, now, staleBefore) =>
      run(() => health.claim.run({ campaignId, now, staleBefore }).changes > 0),
    finishHealthScan: (campaignId, at, stuck) => run(() => void health.finish.run(at, stuck, campaignId)),
    lastHealthScan: (campaignId) =>
      run(() => {
        const row = health.scan.get(campaignId);
        return row ? scanMark(row) : undefined;
      }),
    activeCampaigns: () => run(() => health.active.all().map((r) => r.campaign_id)),
    restartPublishOrder: (campaignId, unitId) => run(() => void health.reorder.run(campaignId, unitId)),
    close: () => run(() => void db.close()),
  };
}

function healthStatements(db: Database.Database) {
  return {
    all: db.prepare<[string], HealthRow>('SELECT * FROM unit_health WHERE campaign_id = ? ORDER BY unit_id'),
    one: db.prepare<[string, string], HealthRow>(
      'SELECT * FROM unit_health WHERE campaign_id = ? AND unit_id = ?',
    ),
    upsert: db.prepare(healthUpsertSql(HEALTH_COLUMNS.map((c) => `@${c}`))),
    suspect: db.prepare(
      `INSERT INTO unit_health (campaign_id, unit_id, state, note, since, checked_at) VALUES (?, ?, 'suspect', ?, ?, ?)
       ON CONFLICT (campaign_id, unit_id) DO NOTHING`,
    ),
    clear: db.prepare('DELETE FROM unit_health WHERE campaign_id = ? AND unit_id = ?'),
    claim: db.prepare(
      `INSERT INTO unit_health_scan (campaign_id, started_at) VALUES (@campaignId, @now)
       ON CONFLICT (campaign_id) DO UPDATE SET started_at = excluded.started_at WHERE unit_health_scan.started_at < @staleBefore`,
    ),
    finish: db.prepare('UPDATE unit_health_scan SET finished_at = ?, stuck = ? WHERE campaign_id = ?'),
    scan: db.prepare<[string], ScanRow>('SELECT * FROM unit_health_scan WHERE campaign_id = ?'),
    active: db.prepare<[], { campaign_id: string }>(ACTIVE_CAMPAIGNS_SQL),
    reorder: {
      run: db.transaction((campaignId: string, unitId: string) => {
        db.prepare('UPDATE unit_status SET seq = 0 WHERE campaign_id = ? AND unit_id = ?').run(
          campaignId,
          unitId,
        );
        db.prepare('UPDATE unit_board SET seq = 0 WHERE campaign_id = ? AND unit_id = ?').run(
          campaignId,
          unitId,
        );
      }),
    },
  };
}
