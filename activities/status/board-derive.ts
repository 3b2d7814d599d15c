/**
 * The board's projection of a published status: the rows the office and 指导组 pages aggregate
 * with indexed SQL instead of reading every unit's whole status. Derived by the store inside the
 * same transaction as the publish it comes from (and again for rows published before this
 * projection existed, see BOARD_VERSION), so it is exactly as fresh as `unit_status` and needs
 * nothing new from the workflow. Pure.
 *
 * 红黄绿 depends on the reader's now (a deadline passes without a publish), so what is stored is
 * the instants from which a stage turns red or amber, and the reader compares them with its now:
 * the same rule as the console's ragOfTasks (web/src/format.ts) applied to statusAsOf(now).
 */
import type { TaskView, UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';
import type { UnitStatusRecord } from './status-store.js';

/** Bump when the derivation changes: stores re-derive older rows when they open. */
export const BOARD_VERSION = 1;

/** One stage's 红黄绿 inputs. */
export interface StageRagInput {
  stageId: string;
  title: string;
  status: 'pending' | 'open' | 'complete';
  /** Red from this instant: an open or returned task with escalation level ≥ 3 is due then. */
  redFrom?: string;
  /** Amber from this instant: the earliest open or returned task is due then. */
  amberFrom?: string;
  /** Amber whatever the time: a returned task, the unit paused, or a 补课 task still open. */
  amberFixed: boolean;
}

export interface BoardUnit {
  campaignId: string;
  unitId: string;
  run: number;
  seq: number;
  groupId: string;
  groupName?: string;
  unitType: string;
  unitName: string;
  phase: string;
  stage: string;
  remedialRound: number;
  /** Over the stages that are not pending (a unit whose stages are all pending is green). */
  redFrom?: string;
  amberFrom?: string;
  amberFixed: boolean;
  /** Due instants of every open or returned task, earliest first (overdue count at any now). */
  dueAts: string[];
  stages: StageRagInput[];
  openEscalations: number;
  unacknowledgedEscalations: number;
  waitingReviews: number;
}

export interface BoardEscalation {
  n: number;
  taskId: string;
  taskTitle: string;
  level: number;
  label: string;
  firedAt: string;
  repeats: number;
  acknowledged: boolean;
}

export interface BoardSurvey {
  round: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  respondents: number;
  method: string;
  dissatisfiedShare: number;
  remedialNeeded: boolean;
  recordedAt: string;
  /** The unit's latest round. */
  latest: boolean;
}

export interface BoardReview {
  taskId: string;
  title: string;
  submissions: number;
  dueAt: string;
  submittedAt: string;
  /** TaskView.review as published (readers recount 第 N 个工作日 with statusAsOf's rule). */
  review?: TaskView['review'];
}

export interface BoardProjection {
  unit: BoardUnit;
  escalations: BoardEscalation[];
  surveys: BoardSurvey[];
  reviews: BoardReview[];
}

const utc = (iso: string): string => new Date(Date.parse(iso)).toISOString();
const minOf = (xs: string[]): string | undefined => (xs.length === 0 ? undefined : xs.sort()[0]);
const isOpen = (t: TaskView) => t.status === 'open' || t.status === 'returned';

function stageInput(s: UnitCampaignStatus, st: UnitCampaignStatus['stages'][number]): StageRagInput {
  const tasks = s.tasks.filter((t) => t.stageId === st.stageId);
  const open = tasks.filter(isOpen);
  const redFrom = minOf(open.filter((t) => t.escalationLevel >= 3).map((t) => utc(t.dueAt)));
  const amberFrom = minOf(open.map((t) => utc(t.dueAt)));
  return {
    stageId: st.stageId,
    title: st.title,
    status: st.status,
    ...(redFrom ? { redFrom } : {}),
    ...(amberFrom ? { amberFrom } : {}),
    amberFixed:
      tasks.some((t) => t.status === 'returned') ||
      s.phase === 'paused' ||
      (s.remedialRound > 0 && tasks.some((t) => t.origin === 'remedial' && t.status !== 'done')),
  };
}

export function deriveBoard(r: UnitStatusRecord): BoardProjection {
  const s = r.status;
  const stages = s.stages.map((st) => stageInput(s, st));
  const live = stages.filter((st) => st.status !== 'pending');
  const redFrom = minOf(live.flatMap((st) => (st.redFrom ? [st.redFrom] : [])));
  const amberFrom = minOf(live.flatMap((st) => (st.amberFrom ? [st.amberFrom] : [])));
  const title = new Map(s.tasks.map((t) => [t.taskId, t.title]));
  const lastRound = Math.max(0, ...s.surveys.map((x) => x.round));
  const reviews = s.tasks.filter((t) => t.status === 'submitted' && t.needsReview);
  return {
    unit: {
      campaignId: r.campaignId,
      unitId: r.unitId,
      run: r.run,
      seq: r.seq,
      groupId: r.groupId,
      ...(r.groupName ? { groupName: r.groupName } : {}),
      unitType: r.unitType,
      unitName: s.unitName,
      phase: r.phase,
      stage: r.stage,
      remedialRound: r.remedialRound,
      ...(redFrom ? { redFrom } : {}),
      ...(amberFrom ? { amberFrom } : {}),
      amberFixed: live.some((st) => st.amberFixed),
      dueAts: s.tasks
        .filter(isOpen)
        .map((t) => utc(t.dueAt))
        .sort(),
      stages,
      openEscalations: s.openEscalations.length,
      unacknowledgedEscalations: s.openEscalations.filter((e) => !e.acknowledged).length,
      waitingReviews: reviews.length,
    },
    escalations: s.openEscalations.map((e, n) => ({
      n,
      taskId: e.taskId,
      taskTitle: title.get(e.taskId) ?? e.taskId,
      level: e.level,
      label: e.label,
      firedAt: utc(e.firedAt),
      repeats: e.repeats,
      acknowledged: e.acknowledged,
    })),
    // One row per round: a round recorded twice keeps its last record.
    surveys: [...new Map(s.surveys.map((x) => [x.round, x])).values()].map((x) => ({
      round: x.round,
      satisfied: x.satisfied,
      basicallySatisfied: x.basicallySatisfied,
      dissatisfied: x.dissatisfied,
      respondents: x.respondents,
      method: x.method,
      dissatisfiedShare: x.dissatisfiedShare,
      remedialNeeded: x.remedialNeeded,
      recordedAt: utc(x.recordedAt),
      latest: x.round === lastRound,
    })),
    reviews: reviews.map((t) => ({
      taskId: t.taskId,
      title: t.title,
      submissions: t.submissions,
      dueAt: utc(t.dueAt),
      submittedAt: utc(t.review?.submittedAt ?? t.completedAt ?? t.opensAt),
      ...(t.review ? { review: t.review } : {}),
    })),
  };
}

export type Rag = 'red' | 'amber' | 'green' | 'grey';

/** A stage's 红黄绿 at `now` (UTC ISO). */
export function stageRagAt(st: StageRagInput, now: string): Rag {
  if (st.status === 'pending') return 'grey';
  if (st.redFrom !== undefined && st.redFrom < now) return 'red';
  if (st.amberFixed || (st.amberFrom !== undefined && st.amberFrom < now)) return 'amber';
  return 'green';
}

/** The unit's 红黄绿 at `now`: the worst of its stages; the SQL in board-sql.ts says the same. */
export function unitRagAt(u: Pick<BoardUnit, 'redFrom' | 'amberFrom' | 'amberFixed'>, now: string): Rag {
  if (u.redFrom !== undefined && u.redFrom < now) return 'red';
  if (u.amberFixed || (u.amberFrom !== undefined && u.amberFrom < now)) return 'amber';
  return 'green';
}
