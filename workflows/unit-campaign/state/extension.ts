/**
 * 延期申请 (patch extension-request): a unit asks for a later deadline with a reason; its 指导组
 * decides an extension within the plan's `extension.groupMaxWorkingDays`, the 活动办 a longer one
 * (报活动办审批) or any. While a request waits, the plan's `extension.within` runs as a review's
 * limit does: a reminder to the decider before it, the 组长 and then the 活动办 after it. An
 * approval moves the deadline as an office extension does (new reminders and ladder).
 */
import { ms } from '../../../domain/calendar/index.js';
import {
  extensionDecider,
  extensionSchedule,
  extensionWorkingDays,
  rescheduleTask,
  reviewDayStarts,
} from '../../../domain/schedule/index.js';
import { notificationIds } from '../../ids.js';
import type { DecideExtensionRequest, ExtensionRequestView, RequestExtensionRequest } from '../messages.js';
import { advance } from './advance.js';
import { cnDate, iso, parseDue, rearm, runScale, timeLeft } from './clock.js';
import { common, queue, unitRef } from './outbox.js';
import { findTask } from './tasks.js';
import { advanceTimedWait, timedWaitDueAt } from './timed-wait.js';
import { note } from './timeline.js';
import { FINISHED, type CampaignState, type Ctx, type Fact, type TaskState } from './types.js';

const OFFICE_CN = '活动办';

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 80)}…` : one;
}

/** Who decides, as people read it: the unit's 指导组 by name, or 活动办. */
function deciderName(ctx: Ctx, decider: 'supervisor_group' | 'office'): string {
  return decider === 'office' ? OFFICE_CN : ctx.groupName;
}

/** What an extension request would be now: its working days and decider (validators use it too). */
export function extensionTerms(ctx: Ctx, t: TaskState, newDue: string) {
  const newDueAt = parseDue(ctx, newDue);
  const workingDays = extensionWorkingDays(ctx.cal, t.sched.dueAt, newDueAt);
  return { newDueAt, workingDays, decider: extensionDecider(ctx.plan, workingDays) };
}

export function requestExtension(
  ctx: Ctx,
  state: CampaignState,
  req: RequestExtensionRequest,
  now: number,
): void {
  const t = findTask(state, req.taskId)!;
  const n = (t.extensionRequests ?? 0) + 1;
  t.extensionRequests = n;
  const { newDueAt, workingDays, decider } = extensionTerms(ctx, t, req.newDue);
  const timed = extensionSchedule(ctx.plan, ctx.cal, runScale(ctx), t.sched, iso(now), decider);
  const reason = clip(req.reason);
  t.extension = {
    n,
    requestedAt: iso(now),
    requestedBy: req.requestedBy,
    newDue: req.newDue,
    newDueAt,
    reason,
    workingDays,
    decider,
    ...(timed ? { dueAt: timed.dueAt } : {}),
    reminders: timed?.reminders ?? [],
    escalations: timed?.escalations ?? [],
    nextReminder: 0,
    nextEscalation: 0,
    level: 0,
  };
  const max = ctx.plan.extension?.groupMaxWorkingDays;
  queue(ctx, state, {
    id: notificationIds.extensionRequested(unitRef(ctx), t.sched.taskId, n),
    event: 'extension_requested',
    facts: {
      ...factsOf(ctx, t),
      reason,
      workingDays,
      decider: deciderName(ctx, decider),
      referred: decider === 'office',
      ...(max !== undefined ? { groupMax: max } : {}),
      ...(timed ? { decideBy: cnDate(ctx, timed.dueAt) } : {}),
    },
    roles: decider === 'office' ? { to: ['office'], cc: ['supervisor_group'] } : { to: [decider], cc: [] },
  });
  note(
    state,
    now,
    'extension_requested',
    `申请延期：「${t.sched.title}」申请由 ${cnDate(ctx, t.sched.dueAt)} 延至 ${cnDate(ctx, newDueAt)}（${workingDays} 个工作日）：${reason}`,
  );
  if (decider === 'office')
    note(
      state,
      now,
      'extension_referred',
      `报活动办审批：「${t.sched.title}」延期 ${workingDays} 个工作日，${
        max === undefined ? '本计划未授权指导组审批延期' : `超过指导组审批权限（${max} 个工作日）`
      }`,
    );
}

function factsOf(ctx: Ctx, t: TaskState): Record<string, Fact> {
  const x = t.extension;
  return {
    ...common(ctx),
    group: ctx.groupName,
    task: t.sched.title,
    deadline: cnDate(ctx, t.sched.dueAt),
    ...(x ? { newDeadline: cnDate(ctx, x.newDueAt), requestedOn: cnDate(ctx, x.requestedAt) } : {}),
  };
}

/** `byOffice`: the deciding person acts as the 活动办 (else as the unit's 指导组). */
export function decideExtension(
  ctx: Ctx,
  state: CampaignState,
  req: DecideExtensionRequest,
  byOffice: boolean,
  now: number,
): void {
  const t = findTask(state, req.taskId)!;
  const x = t.extension!;
  const who = byOffice ? OFFICE_CN : ctx.groupName;
  const comment = req.comment?.trim() ? clip(req.comment) : '';
  const facts = { ...factsOf(ctx, t), decidedBy: who, approved: req.decision === 'approve', comment };
  delete t.extension;
  if (req.decision === 'approve') {
    t.sched = rescheduleTask(ctx.plan, t.sched, x.newDue, { calendar: ctx.cal, timeScale: ctx.timeScale });
    rearm(t, now);
    note(
      state,
      now,
      'extension_approved',
      `同意延期：${who}同意「${t.sched.title}」延期至 ${cnDate(ctx, t.sched.dueAt)}${comment ? `：${comment}` : ''}`,
    );
  } else
    note(
      state,
      now,
      'extension_refused',
      `不同意延期：${who}不同意「${t.sched.title}」延期，仍须于 ${cnDate(ctx, t.sched.dueAt)} 前完成${comment ? `：${comment}` : ''}`,
    );
  queue(ctx, state, {
    id: notificationIds.extensionDecided(unitRef(ctx), t.sched.taskId, x.n),
    event: 'extension_decided',
    facts: { ...facts, deadline: cnDate(ctx, t.sched.dueAt) },
    ...(byOffice ? { roles: { to: ['liaison', 'unit_head'], cc: ['supervisor_group'] } } : {}),
  });
  advance(ctx, state, now);
}

/** 第 N 个工作日 of a wait (the request's day is the first). */
function workingDayOf(ctx: Ctx, since: string, now: number): number {
  return 1 + reviewDayStarts(ctx.cal, since).filter((d) => ms(d) <= now).length;
}

/** Time moving on for a waiting request: dropped once the task no longer needs it, else its reminder and ladder. */
export function tickExtension(ctx: Ctx, state: CampaignState, t: TaskState, now: number): void {
  const x = t.extension;
  if (!x) return;
  if (FINISHED.includes(t.status) || t.status === 'submitted') {
    delete t.extension;
    note(state, now, 'extension_dropped', `「${t.sched.title}」已报送或办结，延期申请不再审批`);
    return;
  }
  if (!x.dueAt) return;
  const u = unitRef(ctx);
  const facts = { ...factsOf(ctx, t), decider: deciderName(ctx, x.decider), decideBy: cnDate(ctx, x.dueAt) };
  const { remind, rung: e } = advanceTimedWait(x, x.dueAt, now);
  if (remind)
    queue(ctx, state, {
      id: notificationIds.extensionReminder(u, t.sched.taskId, x.n),
      event: 'extension_reminder',
      facts: { ...facts, timeLeft: timeLeft(ctx, now, x.dueAt) },
      roles: { to: [x.decider], cc: [] },
    });
  if (!e) return;
  queue(ctx, state, {
    id: notificationIds.extensionEscalation(u, t.sched.taskId, x.n, e.level),
    event: 'extension_overdue',
    facts: { ...facts, workingDay: workingDayOf(ctx, x.requestedAt, now), label: e.label },
    roles: { to: e.recipients, cc: e.cc },
  });
  x.level = e.level;
  state.escalationsSent += 1;
  note(
    state,
    now,
    'extension_overdue',
    `「${t.sched.title}」的延期申请超过审批时限（${cnDate(ctx, x.dueAt)}）仍未审批，${e.label}`,
  );
}

/** When a waiting request next needs the workflow awake. */
export function extensionDueAt(t: TaskState): number | undefined {
  return timedWaitDueAt(t.extension);
}

export function extensionView(t: TaskState): ExtensionRequestView | undefined {
  const x = t.extension;
  if (!x) return undefined;
  return {
    n: x.n,
    requestedAt: x.requestedAt,
    requestedBy: x.requestedBy,
    newDueAt: x.newDueAt,
    reason: x.reason,
    workingDays: x.workingDays,
    decider: x.decider,
    ...(x.dueAt ? { decideBy: x.dueAt } : {}),
    escalationLevel: x.level,
  };
}
