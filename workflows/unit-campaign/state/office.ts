/**
 * What the office (and, for 查缺补缺 and 督导记录, the 指导组) does to a unit as a whole: add items,
 * record a supervision, pause, resume, shift the remaining dates, waive a task, cancel.
 */
import { ms } from '../../../domain/calendar/index.js';
import { shiftTasks } from '../../../domain/schedule/index.js';
import type { AddAdHocItemRequest, AddGapItemRequest, RecordSupervisionRequest } from '../messages.js';
import { advance } from './advance.js';
import { cnDate, deadlineAfter, iso, parseDue, pauseShift, syntheticTask, rearm } from './clock.js';
import { currentStageId, findTask, newTask } from './tasks.js';
import { note } from './timeline.js';
import { FINISHED, type CampaignState, type Ctx } from './types.js';

export function addGapItem(ctx: Ctx, state: CampaignState, req: AddGapItemRequest, now: number): string {
  state.gapItemsAdded += 1;
  const taskId = `gap_${state.gapItemsAdded}`;
  const dueAt = req.due
    ? parseDue(ctx, req.due)
    : deadlineAfter(ctx, iso(now), ctx.plan.lookBack?.gapDeadline ?? '5wd');
  const lbStage = findTask(state, ctx.plan.lookBack?.step ?? '')?.sched.stageId;
  const t = newTask(
    syntheticTask(ctx, {
      taskId,
      stageId: lbStage ?? currentStageId(state),
      title: req.title.trim(),
      kind: 'task',
      opensAt: iso(now),
      dueAt,
    }),
    'gap',
  );
  t.gap = true;
  if (req.note) t.note = req.note;
  state.tasks.push(t);
  note(
    state,
    now,
    'gap_added',
    `指导组增加查缺补缺事项「${t.sched.title}」，限 ${cnDate(ctx, dueAt)} 前完成`,
  );
  advance(ctx, state, now);
  return taskId;
}

/** Only the 大事记 changes: the record goes wherever the timeline goes (status, archive). */
export function recordSupervision(
  ctx: Ctx,
  state: CampaignState,
  req: RecordSupervisionRequest,
  now: number,
): void {
  const who = ctx.officeIds?.includes(req.by) ? '活动办' : '指导组';
  note(state, now, 'supervision', `${who}督导记录：${req.summary.trim()}`);
}

export function pause(state: CampaignState, reason: string | undefined, now: number): void {
  state.phase = 'paused';
  state.pausedAt = iso(now);
  note(state, now, 'paused', `活动办暂停本单位活动${reason ? `：${reason}` : ''}`);
}

export function resume(ctx: Ctx, state: CampaignState, shiftBy: string | undefined, now: number): void {
  const pausedMs = now - ms(state.pausedAt ?? iso(now));
  const by = shiftBy ?? pauseShift(ctx, pausedMs);
  state.phase = 'running';
  delete state.pausedAt;
  shiftRemaining(ctx, state, by, now);
  note(state, now, 'resumed', `恢复活动，剩余日期顺延 ${by}`);
  advance(ctx, state, now);
}

export function shiftDates(ctx: Ctx, state: CampaignState, by: string, now: number): void {
  shiftRemaining(ctx, state, by, now);
  note(state, now, 'shifted', `活动办将剩余日期整体顺延 ${by}`);
  advance(ctx, state, now);
}

function shiftRemaining(ctx: Ctx, state: CampaignState, by: string, now: number): void {
  const rctx = { calendar: ctx.cal, timeScale: ctx.timeScale };
  for (const t of state.tasks) {
    if (FINISHED.includes(t.status)) continue;
    const [moved] = shiftTasks(ctx.plan, [t.sched], by, rctx);
    if (!moved) continue;
    t.sched = moved;
    rearm(t, now);
  }
  for (const s of state.stages) {
    if (s.status !== 'pending') continue;
    const probe = syntheticTask(ctx, {
      taskId: s.stageId,
      stageId: s.stageId,
      title: s.title,
      kind: 'task',
      opensAt: s.opensAt,
      dueAt: s.dueAt,
    });
    const [moved] = shiftTasks(ctx.plan, [probe], by, rctx);
    if (moved) {
      s.opensAt = moved.opensAt;
      s.dueAt = moved.dueAt;
    }
  }
}

export function waive(ctx: Ctx, state: CampaignState, taskId: string, reason: string, now: number): void {
  const t = findTask(state, taskId)!;
  t.status = 'waived';
  t.completedAt = iso(now);
  delete t.repeatAt;
  note(state, now, 'waived', `活动办免除「${t.sched.title}」：${reason}`);
  advance(ctx, state, now);
}

export function addAdHocItem(ctx: Ctx, state: CampaignState, req: AddAdHocItemRequest, now: number): string {
  state.adHocAdded += 1;
  const taskId = `adhoc_${state.adHocAdded}`;
  const dueAt = parseDue(ctx, req.due);
  const t = newTask(
    syntheticTask(ctx, {
      taskId,
      stageId: currentStageId(state),
      title: `督办：${req.title.trim()}`,
      kind: 'task',
      opensAt: iso(now),
      dueAt,
    }),
    'adhoc',
  );
  if (req.note) t.note = req.note;
  state.tasks.push(t);
  note(state, now, 'adhoc', `活动办增加督办事项「${req.title.trim()}」，限 ${cnDate(ctx, dueAt)} 前完成`);
  advance(ctx, state, now);
  return taskId;
}

export function cancel(state: CampaignState, reason: string, now: number): void {
  if (state.phase === 'completed' || state.phase === 'cancelled') return;
  state.phase = 'cancelled';
  state.cancelReason = reason;
  state.finishedAt = iso(now);
  state.outbox = [];
  note(state, now, 'cancelled', `活动办撤销本单位活动：${reason}`);
}
