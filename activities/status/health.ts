/**
 * What the health scan (app/health/) found out about units, cached beside the read model so that
 * the console, the API, `campaign status` and `notify problems` read one table instead of asking
 * Temporal about every unit. A row exists only for a unit that needs a look:
 *  - `stuck`: its workflow task has failed more than the threshold (流程异常，需要技术处理);
 *  - `suspect`: an Update to it failed or timed out; the next scan checks it;
 *  - `late`: past its own wake-up but its task is not failing (no worker polling, or just slow);
 *    checked again after a while rather than on every scan.
 */

export const HEALTH_STATES = ['stuck', 'suspect', 'late'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export interface UnitHealthRecord {
  campaignId: string;
  unitId: string;
  /** From the read model when known, so lists need no second lookup. */
  unitName?: string;
  state: HealthState;
  /** Run the finding is about (a repair starts a new one). */
  runId?: string;
  /** Failed attempts of the pending workflow task (attempt − 1) when checked. */
  failures?: number;
  /** Message of the last WorkflowTaskFailed event, as the worker reported it. */
  error?: string;
  /** Its cause, e.g. WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR. */
  errorCause?: string;
  failedEventId?: number;
  /** When that failure was recorded (UTC ISO). */
  failedAt?: string;
  /** Why a unit is suspect (the failed Update, in words). */
  note?: string;
  /** First seen in this state (UTC ISO); kept while the state stays the same. */
  since: string;
  /** Last checked (UTC ISO). */
  checkedAt: string;
}

export interface HealthScanMark {
  campaignId: string;
  startedAt: string;
  finishedAt?: string;
  /** Stuck units the finished scan left in the cache. */
  stuck?: number;
}

/** The health cache's part of the status store (activities/status/status-store.ts). */
export interface UnitHealthCache {
  /** Findings of one campaign, by unit id; only the given states when asked. */
  health(campaignId: string, o?: { states?: readonly HealthState[] }): Promise<UnitHealthRecord[]>;
  healthOf(campaignId: string, unitId: string): Promise<UnitHealthRecord | undefined>;
  /** Writes findings; a unit whose state does not change keeps its `since`. */
  putHealth(records: readonly UnitHealthRecord[]): Promise<void>;
  /** Marks a unit suspect unless it already has a finding (a stuck unit stays stuck). */
  noteSuspect(campaignId: string, unitId: string, at: string, note: string): Promise<void>;
  clearHealth(campaignId: string, unitIds: readonly string[]): Promise<void>;
  /**
   * Takes this interval's scan of a campaign: true for one caller only, across processes sharing
   * the store, unless the previous scan started before `staleBefore` (UTC ISO).
   */
  claimHealthScan(campaignId: string, now: string, staleBefore: string): Promise<boolean>;
  finishHealthScan(campaignId: string, at: string, stuck: number): Promise<void>;
  lastHealthScan(campaignId: string): Promise<HealthScanMark | undefined>;
  /** Campaigns with a unit still running or paused in the read model: what a periodic scan covers. */
  activeCampaigns(): Promise<string[]>;
  /**
   * After a workflow reset the new run numbers its publishes again from the reset point, below what
   * the abandoned run had published: lets the unit's next publish win whatever its number.
   */
  restartPublishOrder(campaignId: string, unitId: string): Promise<void>;
}

/** Same statements for SQLite and PostgreSQL; timestamps are UTC ISO strings, so text order is time order. */
export const HEALTH_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS unit_health (
     campaign_id TEXT NOT NULL,
     unit_id TEXT NOT NULL,
     unit_name TEXT,
     state TEXT NOT NULL,
     run_id TEXT,
     failures INTEGER,
     error TEXT,
     error_cause TEXT,
     failed_event_id INTEGER,
     failed_at TEXT,
     note TEXT,
     since TEXT NOT NULL,
     checked_at TEXT NOT NULL,
     PRIMARY KEY (campaign_id, unit_id)
   )`,
  `CREATE TABLE IF NOT EXISTS unit_health_scan (
     campaign_id TEXT PRIMARY KEY,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     stuck INTEGER
   )`,
];

export const HEALTH_COLUMNS = [
  'campaign_id',
  'unit_id',
  'unit_name',
  'state',
  'run_id',
  'failures',
  'error',
  'error_cause',
  'failed_event_id',
  'failed_at',
  'note',
  'since',
  'checked_at',
] as const;

export interface HealthRow {
  campaign_id: string;
  unit_id: string;
  unit_name: string | null;
  state: string;
  run_id: string | null;
  failures: number | string | null;
  error: string | null;
  error_cause: string | null;
  failed_event_id: number | string | null;
  failed_at: string | null;
  note: string | null;
  since: string;
  checked_at: string;
}

/** Upsert keeping `since` while the state stays; the same text on both databases. */
export function healthUpsertSql(params: readonly string[]): string {
  const updates = HEALTH_COLUMNS.filter((c) => c !== 'campaign_id' && c !== 'unit_id' && c !== 'since')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  return `INSERT INTO unit_health (${HEALTH_COLUMNS.join(', ')}) VALUES (${params.join(', ')})
    ON CONFLICT (campaign_id, unit_id) DO UPDATE SET ${updates},
      since = CASE WHEN unit_health.state = excluded.state THEN unit_health.since ELSE excluded.since END`;
}

export const ACTIVE_CAMPAIGNS_SQL = `SELECT DISTINCT campaign_id FROM unit_status WHERE phase IN ('running', 'paused') ORDER BY campaign_id`;

const utc = (instant: string): string => {
  const t = Date.parse(instant);
  if (Number.isNaN(t)) throw new Error(`不是时刻：${instant}`);
  return new Date(t).toISOString();
};

export function toHealthRow(r: UnitHealthRecord): HealthRow {
  return {
    campaign_id: r.campaignId,
    unit_id: r.unitId,
    unit_name: r.unitName ?? null,
    state: r.state,
    run_id: r.runId ?? null,
    failures: r.failures ?? null,
    error: r.error ?? null,
    error_cause: r.errorCause ?? null,
    failed_event_id: r.failedEventId ?? null,
    failed_at: r.failedAt ? utc(r.failedAt) : null,
    note: r.note ?? null,
    since: utc(r.since),
    checked_at: utc(r.checkedAt),
  };
}

export function fromHealthRow(row: HealthRow): UnitHealthRecord {
  const opt = <K extends string, V>(key: K, v: V | null): { [k in K]?: V } =>
    v === null ? {} : ({ [key]: v } as { [k in K]: V });
  return {
    campaignId: row.campaign_id,
    unitId: row.unit_id,
    ...opt('unitName', row.unit_name),
    state: row.state as HealthState,
    ...opt('runId', row.run_id),
    ...opt('failures', row.failures === null ? null : Number(row.failures)),
    ...opt('error', row.error),
    ...opt('errorCause', row.error_cause),
    ...opt('failedEventId', row.failed_event_id === null ? null : Number(row.failed_event_id)),
    ...opt('failedAt', row.failed_at),
    ...opt('note', row.note),
    since: row.since,
    checkedAt: row.checked_at,
  };
}

export interface ScanRow {
  campaign_id: string;
  started_at: string;
  finished_at: string | null;
  stuck: number | null;
}

export function scanMark(row: ScanRow): HealthScanMark {
  return {
    campaignId: row.campaign_id,
    startedAt: row.started_at,
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
    ...(row.stuck !== null ? { stuck: Number(row.stuck) } : {}),
  };
}
