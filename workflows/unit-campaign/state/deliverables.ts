/**
 * What the unit and its 指导组 do with a task: submit it, review it (approve or return),
 * acknowledge an escalation, extend its deadline; and what follows a finished summary.
 */
import { ms } from '../../../domain/calendar/index.js';
import { appliesTo, rescheduleTask } from '../../../domain/schedule/index.js';
import { duration } from '../../../domain/schedule/resolve.js';
import { notificationIds } from '../../ids.js';
import type { ExtendDeadlineRequest, ReviewDeliverableRequest } from '../messages.js';
import { advance } from './advance.js';
import { cnDate, deadlineAfter, iso, rearm, syntheticTask, withDeadline } from './clock.js';
import { common, queue, unitRef } from './outbox.js';
import { endReview, startReview } from './review.js';
import { findTask, newTask } from './tasks.js';
import { note } from './timeline.js';
import type { CampaignState, Ctx, TaskState } from './types.js';

export function submit(ctx: Ctx, state: CampaignState, taskId: string, summary: string, now: number): void {
  const t = findTask(state, taskId)!;
  t.submissions += 1;
  if (ms(t.sched.dueAt) < now) t.late = true;
  if (t.sched.needsReview) {
    t.status = 'submitted';
    note(state, now, 'submitted', `「${t.sched.title}」已报送，等待指导组审查：${clip(summary)}`);
    startReview(ctx, state, t, clip(summary), now);
  } else {
    t.status = 'done';
    t.completedAt = iso(now);
    note(state, now, 'submitted', `「${t.sched.title}」已完成：${clip(summary)}`);
  }
  afterCompletion(ctx, state, t, now);
  advance(ctx, state, now);
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 60)}…` : one;
}

export function review(ctx: Ctx, state: CampaignState, req: ReviewDeliverableRequest, now: number): void {
  const t = findTask(state, req.taskId)!;
  endReview(t);
  if (req.decision === 'approve') {
    t.status = 'done';
    t.completedAt = iso(now);
    queue(ctx, state, {
      id: notificationIds.approved(unitRef(ctx), t.sched.taskId, t.submissions),
      event: 'approved',
      facts: { ...common(ctx), task: t.sched.title, reviewer: ctx.groupName },
    });
    note(state, now, 'approved', `「${t.sched.title}」经指导组审查通过`);
    afterCompletion(ctx, state, t, now);
  } else {
    t.returns += 1;
    t.status = 'returned';
    const failedItems = [...(req.failedItems ?? [])];
    const items = t.sched.checklist?.items ?? [];
    const reasons = [
      ...failedItems.map(
        (id) => `${t.sched.checklist?.title ?? '审查清单'}：${items.find((i) => i.id === id)?.text ?? id}`,
      ),
      ...(req.reasons ?? []),
    ];
    t.lastReturn = { reasons: [...(req.reasons ?? [])], failedItems };
    // A return gives the unit the plan's gap deadline to resubmit, never less than it had.
    const fresh = deadlineAfter(ctx, iso(now), ctx.plan.lookBack?.gapDeadline ?? '5wd');
    if (ms(fresh) > ms(t.sched.dueAt)) t.sched = withDeadline(ctx, t, t.sched.opensAt, fresh);
    rearm(t, now);
    queue(ctx, state, {
      id: notificationIds.returned(unitRef(ctx), t.sched.taskId, t.returns),
      event: 'returned',
      facts: {
        ...common(ctx),
        task: t.sched.title,
        reviewer: ctx.groupName,
        reasons,
        resubmitBy: cnDate(ctx, t.sched.dueAt),
      },
    });
    note(
      state,
      now,
      'returned',
      `「${t.sched.title}」被退回（${reasons.join('；')}），限 ${cnDate(ctx, t.sched.dueAt)} 前重新报送`,
    );
  }
  advance(ctx, state, now);
}

/** Time the archive (资料归档) gets once continued rectification is over, unless its planned date is later. */
const ARCHIVE_AFTER_RECTIFICATION = '10wd';

/**
 * Follow-ups when a task is finished: continued rectification starts after the summary. Its
 * progress reports open one after another at the plan's interval (each opens when the previous
 * one falls due), and the archive waits until the whole period is over.
 */
function afterCompletion(ctx: Ctx, state: CampaignState, t: TaskState, now: number): void {
  const cr = ctx.plan.continuedRectification;
  if (!cr || t.sched.kind !== 'summary' || t.status !== 'done' || !appliesTo(cr.appliesTo, ctx.unit)) return;
  if (state.tasks.some((x) => x.origin === 'progress')) return;
  const total = duration(cr.duration);
  const every = duration(cr.reportEvery);
  const end = deadlineAfter(ctx, iso(now), cr.duration);
  let opensAt = iso(now);
  for (let n = 1; n <= 24; n++) {
    const dueAt = deadlineAfter(ctx, iso(now), `${every.amount * n}${every.unit}`);
    if (ms(dueAt) > ms(end) + 1000) break;
    const report = newTask(
      syntheticTask(ctx, {
        taskId: `progress_${n}`,
        stageId: t.sched.stageId,
        title: `继续整改进展报告（第${n}次）`,
        kind: 'task',
        opensAt,
        dueAt,
      }),
      'progress',
    );
    if (n === 1) report.status = 'open';
    state.tasks.push(report);
    opensAt = dueAt;
  }
  for (const a of state.tasks) {
    if (a.sched.kind !== 'archive' || (a.status !== 'pending' && a.status !== 'open')) continue;
    const due = deadlineAfter(ctx, end, ARCHIVE_AFTER_RECTIFICATION);
    a.sched = withDeadline(ctx, a, end, ms(a.sched.dueAt) > ms(due) ? a.sched.dueAt : due);
    a.status = 'pending';
    rearm(a, now);
  }
  note(
    state,
    now,
    'continued_rectification',
    `进入继续整改（${total.amount}${total.unit}），每 ${every.amount}${every.unit} 报告一次进展，${cnDate(ctx, end)} 后资料归档`,
  );
}

export function acknowledge(state: CampaignState, taskId: string, level: number, now: number): void {
  const t = findTask(state, taskId)!;
  const f = t.fired.find((x) => x.level === level)!;
  f.acknowledged = true;
  if (f === t.fired.at(-1)) delete t.repeatAt;
  note(state, now, 'acknowledged', `「${t.sched.title}」第 ${level} 级催办已签收`);
}

export function extend(ctx: Ctx, state: CampaignState, req: ExtendDeadlineRequest, now: number): void {
  const t = findTask(state, req.taskId)!;
  t.sched = rescheduleTask(ctx.plan, t.sched, req.newDue, { calendar: ctx.cal, timeScale: ctx.timeScale });
  rearm(t, now);
  note(state, now, 'extended', `「${t.sched.title}」延期至 ${cnDate(ctx, t.sched.dueAt)}：${req.reason}`);
  advance(ctx, state, now);
}
