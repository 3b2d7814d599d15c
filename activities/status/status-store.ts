/**
 * The status read model: every unit workflow publishes a compact view of itself here whenever it
 * changes, and the console, API, CLI, digests and reports read it instead of Querying running
 * workflows (a Query reaching a freshly started worker is what made histories diverge; see
 * docs/workflow.md). One row per unit; publishes are ordered by (run, seq) so a late or retried
 * publish never overwrites a newer one.
 */
import type { CampaignPhase, UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';
import type { BoardReader } from './board-types.js';
import type { UnitHealthCache } from './health.js';

export interface UnitStatusRecord {
  campaignId: string;
  unitId: string;
  /** Run of the workflow (continue-as-new count + 1) that published this. */
  run: number;
  /** Publish number within the run: higher is newer. */
  seq: number;
  groupId: string;
  /** The 指导组's name from the unit's input (absent in records published before it was added). */
  groupName?: string;
  unitType: string;
  phase: CampaignPhase;
  stage: string;
  remedialRound: number;
  /** Earliest deadline (UTC ISO) among open or returned tasks: overdue from then on without another publish. */
  earliestDueAt?: string;
  /** When the workflow next wakes by itself (UTC ISO); a running unit long past it without a publish is suspect. */
  nextWakeAt?: string;
  /** Workflow time of the publish (UTC ISO). */
  asOf: string;
  status: UnitCampaignStatus;
}

export type PublishOutcome = 'stored' | 'stale';

export interface StatusFilter {
  groupId?: string;
  unitIds?: readonly string[];
}

/**
 * The read model, beside it the health scan's findings (health.ts), and the board's aggregates
 * over rows derived from each publish in the same transaction (board-schema.ts).
 */
export interface StatusStore extends UnitHealthCache, BoardReader {
  /** Stores the record unless one with the same or a higher (run, seq) is already there. */
  publish(record: UnitStatusRecord): Promise<PublishOutcome>;
  get(campaignId: string, unitId: string): Promise<UnitStatusRecord | undefined>;
  /** Records of one campaign, by unit id. */
  list(campaignId: string, filter?: StatusFilter): Promise<UnitStatusRecord[]>;
  /** Running units whose own next wake-up is before `before` (UTC ISO): candidates for a stuck check. */
  overdueWakeUps(campaignId: string, before: string): Promise<UnitStatusRecord[]>;
  close(): Promise<void>;
}

/** Same statements for SQLite and PostgreSQL; timestamps are UTC ISO strings, so text order is time order. */
export const STATUS_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS unit_status (
     campaign_id TEXT NOT NULL,
     unit_id TEXT NOT NULL,
     run INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     group_id TEXT NOT NULL,
     unit_type TEXT NOT NULL,
     phase TEXT NOT NULL,
     stage TEXT NOT NULL,
     remedial_round INTEGER NOT NULL,
     earliest_due_at TEXT,
     next_wake_at TEXT,
     as_of TEXT NOT NULL,
     status TEXT NOT NULL,
     group_name TEXT,
     PRIMARY KEY (campaign_id, unit_id)
   )`,
  'CREATE INDEX IF NOT EXISTS unit_status_group ON unit_status (campaign_id, group_id)',
  'CREATE INDEX IF NOT EXISTS unit_status_wake ON unit_status (campaign_id, phase, next_wake_at)',
];

export const STATUS_COLUMNS = [
  'campaign_id',
  'unit_id',
  'run',
  'seq',
  'group_id',
  'unit_type',
  'phase',
  'stage',
  'remedial_round',
  'earliest_due_at',
  'next_wake_at',
  'as_of',
  'status',
  'group_name',
] as const;

export interface StatusRow {
  campaign_id: string;
  unit_id: string;
  run: number | string;
  seq: number | string;
  group_id: string;
  unit_type: string;
  phase: string;
  stage: string;
  remedial_round: number | string;
  earliest_due_at: string | null;
  next_wake_at: string | null;
  as_of: string;
  status: string;
  group_name: string | null;
}

/** Added after the first release: tables created before get the column when a store opens. */
export const ADD_GROUP_NAME = 'ALTER TABLE unit_status ADD COLUMN group_name TEXT';

export function toRow(r: UnitStatusRecord): StatusRow {
  return {
    campaign_id: r.campaignId,
    unit_id: r.unitId,
    run: r.run,
    seq: r.seq,
    group_id: r.groupId,
    unit_type: r.unitType,
    phase: r.phase,
    stage: r.stage,
    remedial_round: r.remedialRound,
    earliest_due_at: r.earliestDueAt ? utc(r.earliestDueAt) : null,
    next_wake_at: r.nextWakeAt ? utc(r.nextWakeAt) : null,
    as_of: utc(r.asOf),
    status: JSON.stringify(r.status),
    group_name: r.groupName ?? null,
  };
}

export function fromRow(row: StatusRow): UnitStatusRecord {
  return {
    campaignId: row.campaign_id,
    unitId: row.unit_id,
    run: Number(row.run),
    seq: Number(row.seq),
    groupId: row.group_id,
    ...(row.group_name ? { groupName: row.group_name } : {}),
    unitType: row.unit_type,
    phase: row.phase as CampaignPhase,
    stage: row.stage,
    remedialRound: Number(row.remedial_round),
    ...(row.earliest_due_at ? { earliestDueAt: row.earliest_due_at } : {}),
    ...(row.next_wake_at ? { nextWakeAt: row.next_wake_at } : {}),
    asOf: row.as_of,
    status: JSON.parse(row.status) as UnitCampaignStatus,
  };
}

function utc(instant: string): string {
  const t = Date.parse(instant);
  if (Number.isNaN(t)) throw new Error(`不是时刻：${instant}`);
  return new Date(t).toISOString();
}
