/**
 * What `campaign repair` would do for one unit, decided before anything changes: confirm the unit
 * is stuck (describe), read its history, find the first workflow task the current code no longer
 * reproduces (reset-point.ts), and list what a reset to that task's completion would discard and
 * reapply. A unit whose whole history replays is a code error, not a history mismatch: no reset.
 */
import type { temporal } from '@temporalio/proto';
import { unitWorkflowId } from '../../workflows/ids.js';
import { checkUnit } from '../health/scan.js';
import type { CampaignServices } from '../services.js';
import type { Replayer } from './replayer.js';
import { findResetPoint, reappliedAfter, type Reapplied } from './reset-point.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export type RepairVerdict =
  /** Reset to `resetEventId` fixes it. */
  | 'mismatch'
  /** The history replays with the current code: the code must be fixed, a reset would not help. */
  | 'code_error'
  /** Its workflow task does not fail more than the threshold (any more): nothing to do. */
  | 'not_stuck'
  /** Finished, or no such unit. */
  | 'gone'
  /** The history could not be replayed at all, or no reset point exists. */
  | 'unrepairable';

export interface RepairPlan {
  campaignId: string;
  unitId: string;
  unitName?: string;
  workflowId: string;
  runId?: string;
  verdict: RepairVerdict;
  failures?: number;
  error?: string;
  /** The first task the current code does not reproduce (1-based among the run's tasks) and its events. */
  badTask?: { n: number; startedEventId: number; startedAt?: string };
  /** Its WorkflowTaskCompleted event: where the reset goes. */
  resetEventId?: number;
  /** Events after the reset point that the reset discards. */
  discardedEvents?: number;
  reapplied?: Reapplied;
  /** Replays the search took. */
  replays?: number;
  /** Why it cannot be repaired (unrepairable). */
  problem?: string;
}

export async function planRepair(
  svc: CampaignServices,
  campaignId: string,
  unitId: string,
  o: { replayer: Replayer; stuckAfterFailures: number },
): Promise<RepairPlan> {
  const workflowId = unitWorkflowId(campaignId, unitId);
  const unitName = (await svc.status.get(campaignId, unitId))?.status.unitName;
  const base = { campaignId, unitId, workflowId, ...(unitName ? { unitName } : {}) };
  const check = await checkUnit(svc, campaignId, unitId, o.stuckAfterFailures);
  if (check.kind === 'gone') return { ...base, verdict: 'gone' };
  if (check.kind === 'ok')
    return { ...base, runId: check.runId, failures: check.failures, verdict: 'not_stuck' };
  const stuck = { ...base, runId: check.runId, failures: check.failures, error: check.error };
  const history = await svc.client.workflow.getHandle(workflowId, check.runId).fetchHistory();
  const events: HistoryEvent[] = history.events ?? [];
  const cut = (last: number) => events.filter((e) => Number(e.eventId) <= last);
  let search;
  try {
    search = await findResetPoint(events, (last) => o.replayer.replays(cut(last), workflowId));
  } catch (e) {
    return { ...stuck, verdict: 'unrepairable', problem: (e as Error).message };
  }
  if (search.kind === 'replays') return { ...stuck, verdict: 'code_error', replays: search.replays };
  const { n, startedEventId, startedAt } = search.task;
  const badTask = { n, startedEventId, ...(startedAt ? { startedAt } : {}) };
  if (search.kind === 'no_reset_point')
    return {
      ...stuck,
      verdict: 'unrepairable',
      badTask,
      replays: search.replays,
      problem: `第 ${n} 个流程任务没有完成记录，找不到可重置的位置`,
    };
  const resetEventId = search.task.completedEventId;
  return {
    ...stuck,
    verdict: 'mismatch',
    badTask,
    resetEventId,
    discardedEvents: events.filter((e) => Number(e.eventId) > resetEventId).length,
    reapplied: reappliedAfter(events, resetEventId),
    replays: search.replays,
  };
}
