/**
 * The review loop: a submission that needs 审查把关 tells the reviewers, and while it waits the
 * plan's 审查时限 runs: the reviewers are reminded before it, the 指导组组长 and then the 活动办
 * are told after it. Timed by domain/schedule/review.ts, sent through the outbox like every other
 * notification, each under its own id (workflows/ids.ts). Only runs whose workflow turned the
 * loop on (ctx.features.reviewLoop, patched in workflow.ts) do any of this.
 */
import { ms } from '../../../domain/calendar/index.js';
import { reviewDayStarts, reviewSchedule } from '../../../domain/schedule/index.js';
import { notificationIds } from '../../ids.js';
import type { ReviewView } from '../messages.js';
import { cnDate, iso, runScale, timeLeft } from './clock.js';
import { common, queue, unitRef } from './outbox.js';
import { advanceTimedWait, timedWaitDueAt } from './timed-wait.js';
import { note } from './timeline.js';
import type { CampaignState, Ctx, TaskState } from './types.js';

/** Called when `t` has just been submitted for review: opens its review and tells the reviewers. */
export function startReview(
  ctx: Ctx,
  state: CampaignState,
  t: TaskState,
  summary: string,
  now: number,
): void {
  if (!ctx.features?.reviewLoop) return;
  const timed = reviewSchedule(ctx.plan, ctx.cal, runScale(ctx), t.sched, iso(now));
  t.review = {
    submission: t.submissions,
    submittedAt: iso(now),
    ...(timed ? { dueAt: timed.dueAt } : {}),
    reminders: timed?.reminders ?? [],
    escalations: timed?.escalations ?? [],
    nextReminder: 0,
    nextEscalation: 0,
    level: 0,
  };
  // A reviewer other than the 指导组 (the office) is addressed as the step names it.
  const reviewer = t.sched.reviewer;
  queue(ctx, state, {
    id: notificationIds.submitted(unitRef(ctx), t.sched.taskId, t.submissions),
    event: 'submitted',
    facts: {
      ...common(ctx),
      group: ctx.groupName,
      task: t.sched.title,
      summary,
      submission: t.submissions,
      ...(timed ? { reviewBy: cnDate(ctx, timed.dueAt) } : {}),
    },
    ...(reviewer && reviewer !== 'supervisor_group' ? { roles: { to: [reviewer], cc: [] } } : {}),
  });
}

/** The review is over (approved or returned): nothing more is sent for it. */
export function endReview(t: TaskState): void {
  delete t.review;
}

/** 第 N 个工作日 of a review at `now`: the submission's day is the first. */
function workingDayOf(ctx: Ctx, submittedAt: string, now: number): number {
  return 1 + reviewDayStarts(ctx.cal, submittedAt).filter((d) => ms(d) <= now).length;
}

/** Time moving on for a task that waits for review: its reminder, then its ladder (highest level due fires). */
export function tickReview(ctx: Ctx, state: CampaignState, t: TaskState, now: number): void {
  const r = t.review;
  if (!r || !r.dueAt) return;
  const u = unitRef(ctx);
  const facts = {
    ...common(ctx),
    group: ctx.groupName,
    task: t.sched.title,
    submittedOn: cnDate(ctx, r.submittedAt),
    reviewBy: cnDate(ctx, r.dueAt),
  };
  const { remind, rung: e } = advanceTimedWait(r, r.dueAt, now);
  if (remind) {
    queue(ctx, state, {
      id: notificationIds.reviewReminder(u, t.sched.taskId, r.submission),
      event: 'review_reminder',
      facts: { ...facts, timeLeft: timeLeft(ctx, now, r.dueAt) },
    });
  }
  if (!e) return;
  queue(ctx, state, {
    id: notificationIds.reviewEscalation(u, t.sched.taskId, r.submission, e.level),
    event: 'review_overdue',
    facts: { ...facts, workingDay: workingDayOf(ctx, r.submittedAt, now), label: e.label },
    roles: { to: e.recipients, cc: e.cc },
  });
  r.level = e.level;
  state.escalationsSent += 1;
  note(
    state,
    now,
    'review_overdue',
    `「${t.sched.title}」超过审查时限（${cnDate(ctx, r.dueAt)}）仍未审查，${e.label}`,
  );
}

/** When the review of `t` next needs the workflow awake. */
export function reviewDueAt(t: TaskState): number | undefined {
  return timedWaitDueAt(t.review);
}

/** What readers see of a waiting review; they recount the working day with the day starts (statusAsOf). */
export function reviewView(ctx: Ctx, t: TaskState, now: number): ReviewView | undefined {
  const r = t.review;
  if (!r || t.status !== 'submitted') return undefined;
  return {
    submittedAt: r.submittedAt,
    ...(r.dueAt ? { dueAt: r.dueAt } : {}),
    dayStarts: reviewDayStarts(ctx.cal, r.submittedAt),
    workingDay: workingDayOf(ctx, r.submittedAt, now),
    overdue: r.dueAt !== undefined && ms(r.dueAt) < now,
    escalationLevel: r.level,
  };
}
