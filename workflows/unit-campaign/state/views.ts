/** What the state machine shows outside: the status Query, the answer to an Update, the result. */
import type {
  EscalationView,
  TaskView,
  UnitCampaignResult,
  UnitCampaignStatus,
  UpdateAck,
} from '../messages.js';
import { iso } from './clock.js';
import { extensionView } from './extension.js';
import { reviewView } from './review.js';
import { currentStageId, findTask, isOverdue } from './tasks.js';
import { ACTIVE, FINISHED, type CampaignState, type Ctx, type TaskState } from './types.js';

export function overdueCount(state: CampaignState, now: number): number {
  return state.tasks.filter((t) => isOverdue(t, now)).length;
}

export function stageLabel(state: CampaignState): string {
  if (state.phase === 'completed') return 'done';
  if (state.phase === 'cancelled') return 'cancelled';
  return currentStageId(state);
}

/** The unfinished steps an ordered pending step waits for (the plan's `after`, when step order is on). */
function waitingFor(ctx: Ctx | undefined, state: CampaignState | undefined, t: TaskState): string[] {
  if (!ctx?.stepOrder || !state || t.status !== 'pending' || !t.sched.after?.length) return [];
  return t.sched.after
    .map((id) => findTask(state, id))
    .filter((p) => p !== undefined && !FINISHED.includes(p.status))
    .map((p) => p!.sched.title);
}

export function taskView(t: TaskState, now: number, ctx?: Ctx, state?: CampaignState): TaskView {
  const review = ctx ? reviewView(ctx, t, now) : undefined;
  const waiting = waitingFor(ctx, state, t);
  const extensionRequest = extensionView(t);
  return {
    taskId: t.sched.taskId,
    stageId: t.sched.stageId,
    title: t.sched.title,
    kind: t.sched.kind,
    origin: t.origin,
    status: t.status,
    opensAt: t.sched.opensAt,
    dueAt: t.sched.dueAt,
    needsReview: t.sched.needsReview,
    gap: t.gap,
    overdue: isOverdue(t, now),
    late: t.late,
    submissions: t.submissions,
    returns: t.returns,
    escalationLevel: t.fired.at(-1)?.level ?? 0,
    ...(t.completedAt ? { completedAt: t.completedAt } : {}),
    ...(t.lastReturn ? { lastReturn: t.lastReturn } : {}),
    ...(review ? { review } : {}),
    ...(waiting.length > 0 ? { waitingFor: waiting } : {}),
    ...(extensionRequest ? { extensionRequest } : {}),
  };
}

export function statusOf(ctx: Ctx, state: CampaignState, now: number): UnitCampaignStatus {
  const openEscalations: EscalationView[] = [];
  for (const t of state.tasks) {
    if (!ACTIVE.includes(t.status)) continue;
    t.fired.forEach((f, i) => {
      openEscalations.push({
        taskId: t.sched.taskId,
        level: f.level,
        label: f.label,
        firedAt: f.at,
        repeats: f.repeats,
        acknowledged: f.acknowledged,
        ...(i === t.fired.length - 1 && t.repeatAt ? { nextRepeatAt: t.repeatAt } : {}),
      });
    });
  }
  return {
    campaignId: ctx.campaignId,
    unitId: ctx.unit.id,
    unitName: ctx.unitName,
    planId: ctx.plan.id,
    phase: state.phase,
    stage: stageLabel(state),
    stages: state.stages.map((s) => ({
      stageId: s.stageId,
      title: s.title,
      status: s.status,
      opensAt: s.opensAt,
      dueAt: s.dueAt,
    })),
    tasks: state.tasks.map((t) => taskView(t, now, ctx, state)),
    overdueCount: overdueCount(state, now),
    openEscalations,
    surveys: state.surveys.map((s) => ({ ...s })),
    remedialRound: state.remedialRound,
    lookBackDone: state.lookBackDone,
    ...(state.pausedAt ? { pausedAt: state.pausedAt } : {}),
    timeline: state.timeline.map((e) => ({ ...e })),
    timelineDropped: state.timelineDropped,
    run: state.run,
  };
}

/** The compact answer to an Update: the task it concerned, if any, and what happened. */
export function ackOf(state: CampaignState, taskId: string | undefined): UpdateAck {
  const t = taskId === undefined ? undefined : findTask(state, taskId);
  return {
    ...(t ? { taskId: t.sched.taskId, status: t.status, dueAt: t.sched.dueAt } : {}),
    phase: state.phase,
    message: state.timeline.at(-1)?.text ?? '',
  };
}

export function resultOf(ctx: Ctx, state: CampaignState, now: number): UnitCampaignResult {
  return {
    campaignId: ctx.campaignId,
    unitId: ctx.unit.id,
    outcome: state.phase === 'cancelled' ? 'cancelled' : 'completed',
    startedAt: state.startedAt,
    finishedAt: state.finishedAt ?? iso(now),
    ...(state.cancelReason ? { cancelReason: state.cancelReason } : {}),
    lateTasks: state.tasks.filter((t) => t.late).map((t) => t.sched.taskId),
    waivedTasks: state.tasks.filter((t) => t.status === 'waived').map((t) => t.sched.taskId),
    escalationsSent: state.escalationsSent,
    highestEscalationLevel: state.highestLevel,
    surveyRounds: state.surveys.length,
    surveyOutcome: state.surveyOutcome,
    notificationsSent: state.sent,
  };
}
