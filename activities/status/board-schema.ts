/**
 * The board's tables beside `unit_status` (same statements for SQLite and PostgreSQL, `?`
 * placeholders; PostgreSQL numbers them): one row per unit with what the counts need, and one row
 * per open escalation, survey round and submission waiting for review. Written only together with
 * the `unit_status` row they are derived from (board-derive.ts), replaced whole on every stored
 * publish, so they can never be newer or older than it.
 */
import { BOARD_VERSION, deriveBoard, type BoardProjection } from './board-derive.js';
import type { UnitStatusRecord } from './status-store.js';

export const BOARD_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS unit_board (
     campaign_id TEXT NOT NULL,
     unit_id TEXT NOT NULL,
     run INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     version INTEGER NOT NULL,
     group_id TEXT NOT NULL,
     group_name TEXT,
     unit_type TEXT NOT NULL,
     unit_name TEXT NOT NULL,
     phase TEXT NOT NULL,
     stage TEXT NOT NULL,
     remedial_round INTEGER NOT NULL,
     red_from TEXT,
     amber_from TEXT,
     amber_fixed INTEGER NOT NULL,
     earliest_due_at TEXT,
     due_ats TEXT NOT NULL,
     stages TEXT NOT NULL,
     open_escalations INTEGER NOT NULL,
     unacked_escalations INTEGER NOT NULL,
     waiting_reviews INTEGER NOT NULL,
     PRIMARY KEY (campaign_id, unit_id)
   )`,
  'CREATE INDEX IF NOT EXISTS unit_board_group ON unit_board (campaign_id, group_id, unit_id)',
  // Covers the counts (board-queries.ts boardSummary): they never touch the wide rows.
  `CREATE INDEX IF NOT EXISTS unit_board_counts ON unit_board (campaign_id, group_id, phase, stage, unit_type,
     remedial_round, red_from, amber_from, amber_fixed, earliest_due_at, open_escalations)`,
  `CREATE TABLE IF NOT EXISTS unit_escalation (
     campaign_id TEXT NOT NULL,
     unit_id TEXT NOT NULL,
     n INTEGER NOT NULL,
     group_id TEXT NOT NULL,
     unit_name TEXT NOT NULL,
     task_id TEXT NOT NULL,
     task_title TEXT NOT NULL,
     level INTEGER NOT NULL,
     label TEXT NOT NULL,
     fired_at TEXT NOT NULL,
     repeats INTEGER NOT NULL,
     acknowledged INTEGER NOT NULL,
     PRIMARY KEY (campaign_id, unit_id, n)
   )`,
  'CREATE INDEX IF NOT EXISTS unit_escalation_order ON unit_escalation (campaign_id, level, fired_at)',
  'CREATE INDEX IF NOT EXISTS unit_escalation_group ON unit_escalation (campaign_id, group_id, level, fired_at)',
  `CREATE TABLE IF NOT EXISTS unit_survey (
     campaign_id TEXT NOT NULL,
     unit_id TEXT NOT NULL,
     round INTEGER NOT NULL,
     group_id TEXT NOT NULL,
     unit_name TEXT NOT NULL,
     satisfied INTEGER NOT NULL,
     basically_satisfied INTEGER NOT NULL,
     dissatisfied INTEGER NOT NULL,
     respondents INTEGER NOT NULL,
     method TEXT NOT NULL,
     dissatisfied_share REAL NOT NULL,
     remedial_needed INTEGER NOT NULL,
     recorded_at TEXT NOT NULL,
     latest INTEGER NOT NULL,
     PRIMARY KEY (campaign_id, unit_id, round)
   )`,
  'CREATE INDEX IF NOT EXISTS unit_survey_latest ON unit_survey (campaign_id, latest, dissatisfied_share)',
  'CREATE INDEX IF NOT EXISTS unit_survey_group ON unit_survey (campaign_id, group_id, latest)',
  `CREATE TABLE IF NOT EXISTS unit_review (
     campaign_id TEXT NOT NULL,
     unit_id TEXT NOT NULL,
     task_id TEXT NOT NULL,
     group_id TEXT NOT NULL,
     unit_name TEXT NOT NULL,
     title TEXT NOT NULL,
     submissions INTEGER NOT NULL,
     due_at TEXT NOT NULL,
     submitted_at TEXT NOT NULL,
     review_due_at TEXT,
     review TEXT,
     PRIMARY KEY (campaign_id, unit_id, task_id)
   )`,
  'CREATE INDEX IF NOT EXISTS unit_review_group ON unit_review (campaign_id, group_id, submitted_at)',
];

export interface Statement {
  sql: string;
  params: (string | number | null)[];
}

const b = (x: boolean) => (x ? 1 : 0);
const opt = (x: string | undefined) => x ?? null;

function insert(table: string, row: Record<string, string | number | null>): Statement {
  const cols = Object.keys(row);
  return {
    sql: `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    params: Object.values(row),
  };
}

/** What replaces a unit's board rows with those of `record` (run in the publish's transaction). */
export function boardWrites(record: UnitStatusRecord): Statement[] {
  const p: BoardProjection = deriveBoard(record);
  const u = p.unit;
  const key = [u.campaignId, u.unitId];
  const common = { campaign_id: u.campaignId, unit_id: u.unitId, group_id: u.groupId, unit_name: u.unitName };
  return [
    ...['unit_board', 'unit_escalation', 'unit_survey', 'unit_review'].map((t) => ({
      sql: `DELETE FROM ${t} WHERE campaign_id = ? AND unit_id = ?`,
      params: key,
    })),
    insert('unit_board', {
      ...common,
      run: u.run,
      seq: u.seq,
      version: BOARD_VERSION,
      group_name: opt(u.groupName),
      unit_type: u.unitType,
      phase: u.phase,
      stage: u.stage,
      remedial_round: u.remedialRound,
      red_from: opt(u.redFrom),
      amber_from: opt(u.amberFrom),
      amber_fixed: b(u.amberFixed),
      earliest_due_at: u.dueAts[0] ?? null,
      due_ats: JSON.stringify(u.dueAts),
      stages: JSON.stringify(u.stages),
      open_escalations: u.openEscalations,
      unacked_escalations: u.unacknowledgedEscalations,
      waiting_reviews: u.waitingReviews,
    }),
    ...p.escalations.map((e) =>
      insert('unit_escalation', {
        ...common,
        n: e.n,
        task_id: e.taskId,
        task_title: e.taskTitle,
        level: e.level,
        label: e.label,
        fired_at: e.firedAt,
        repeats: e.repeats,
        acknowledged: b(e.acknowledged),
      }),
    ),
    ...p.surveys.map((x) =>
      insert('unit_survey', {
        ...common,
        round: x.round,
        satisfied: x.satisfied,
        basically_satisfied: x.basicallySatisfied,
        dissatisfied: x.dissatisfied,
        respondents: x.respondents,
        method: x.method,
        dissatisfied_share: x.dissatisfiedShare,
        remedial_needed: b(x.remedialNeeded),
        recorded_at: x.recordedAt,
        latest: b(x.latest),
      }),
    ),
    ...p.reviews.map((r) =>
      insert('unit_review', {
        ...common,
        task_id: r.taskId,
        title: r.title,
        submissions: r.submissions,
        due_at: r.dueAt,
        submitted_at: r.submittedAt,
        review_due_at: r.review?.dueAt ? new Date(Date.parse(r.review.dueAt)).toISOString() : null,
        review: r.review ? JSON.stringify(r.review) : null,
      }),
    ),
  ];
}

/** `unit_status` rows whose board rows are missing or from an older derivation (re-derived on open). */
export const STALE_BOARD_SQL = `SELECT s.campaign_id, s.unit_id FROM unit_status s
  LEFT JOIN unit_board b ON b.campaign_id = s.campaign_id AND b.unit_id = s.unit_id
  WHERE b.unit_id IS NULL OR b.version < ${BOARD_VERSION} OR b.run <> s.run OR b.seq <> s.seq`;

/** PostgreSQL numbers its placeholders. */
export const numbered = (sql: string): string => {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
};
