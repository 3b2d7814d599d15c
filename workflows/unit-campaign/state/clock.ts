/**
 * Time as the state machine counts it: deadlines after an instant, dates typed by the office,
 * the shift after a pause, and dates as people read them. Always from the plan's calendar and,
 * for compressed (timeScale) plans, in plan time when the workflow decided so.
 */
import {
  addSeconds,
  daysBetween,
  localDateOf,
  localTimeOf,
  ms,
  type IsoInstant,
} from '../../../domain/calendar/index.js';
import {
  deadlineAfter as planDeadlineAfter,
  dueOnPlanDate,
  planMillis,
  retimeTask,
  type ScheduledTask,
  type TimeScaleInfo,
} from '../../../domain/schedule/index.js';
import type { Ctx, TaskState } from './types.js';

export const iso = (t: number): string => new Date(t).toISOString();

/** 2009年11月10日 (plus the time for continuous, demo calendars where days are seconds). */
export function cnDate(ctx: Ctx, at: IsoInstant): string {
  const [y, m, d] = localDateOf(ctx.cal, at).split('-').map(Number);
  const day = `${y}年${m}月${d}日`;
  return ctx.cal.kind === 'continuous' ? `${day} ${localTimeOf(ctx.cal, at).slice(0, 8)}` : day;
}

export function calendarDays(ctx: Ctx, from: IsoInstant, to: IsoInstant): number {
  return daysBetween(localDateOf(ctx.cal, from), localDateOf(ctx.cal, to));
}

/**
 * How long is left until a deadline, as a reminder says it: 距截止还有3天, 今天17:30截止 (never
 * 「还有0天」); in continuous (demo) calendars, where a day is seconds, the real time left.
 */
export function timeLeft(ctx: Ctx, now: number, dueAt: IsoInstant): string {
  if (ctx.cal.kind === 'continuous') {
    const secs = Math.max(0, Math.round((ms(dueAt) - now) / 1000));
    if (secs < 120) return `距截止还有${secs}秒`;
    if (secs < 7200) return `距截止还有${Math.round(secs / 60)}分钟`;
    if (secs < 172_800) return `距截止还有${Math.round(secs / 3600)}小时`;
    return `距截止还有${Math.round(secs / 86_400)}天`;
  }
  const days = calendarDays(ctx, iso(now), dueAt);
  return days > 0 ? `距截止还有${days}天` : `今天${localTimeOf(ctx.cal, dueAt).slice(0, 5)}截止`;
}

/** The timeScale run-time deadlines are computed with: null means real time. */
export function runScale(ctx: Ctx): TimeScaleInfo | null {
  return ctx.runTimeInPlanTime ? ctx.timeScale : null;
}

/** A deadline `text` (e.g. 5wd, 15s) after `from`: day units end at office closing, per the plan's holiday rule. */
export function deadlineAfter(ctx: Ctx, from: IsoInstant, text: string): IsoInstant {
  return planDeadlineAfter(ctx.plan, ctx.cal, runScale(ctx), from, text);
}

/**
 * A date (office closing, holiday rule) or an exact instant, as typed by the office. In a
 * timeScale plan a date is a plan date and an instant real time, as for extensions.
 */
export function parseDue(ctx: Ctx, text: string): IsoInstant {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return dueOnPlanDate(ctx.plan, ctx.cal, runScale(ctx), text);
  return addSeconds(ctx.cal, iso(Date.parse(text)), 0);
}

/** The default shift after a pause: whole days for office calendars, exact time for continuous ones. */
export function pauseShift(ctx: Ctx, pausedMs: number): string {
  if (ctx.cal.kind === 'continuous') {
    const secs = Math.max(1, Math.round(pausedMs / 1000 / (ctx.timeScale?.factor ?? 1)));
    return `${secs}s`;
  }
  return `${Math.max(1, Math.ceil(planMillis(runScale(ctx), pausedMs) / 86_400_000))}d`;
}

/** The task with a new window: its reminders and escalations recomputed from the plan. */
export function withDeadline(ctx: Ctx, t: TaskState, opensAt: IsoInstant, dueAt: IsoInstant): ScheduledTask {
  return retimeTask(ctx.plan, ctx.cal, runScale(ctx), t.sched, opensAt, dueAt);
}

/** A task the plan does not list (查缺补缺, 督办, 补课, progress reports), timed like the plan's own. */
export function syntheticTask(
  ctx: Ctx,
  fields: {
    taskId: string;
    stageId: string;
    title: string;
    kind: ScheduledTask['kind'];
    opensAt: IsoInstant;
    dueAt: IsoInstant;
    needsReview?: boolean;
  },
): ScheduledTask {
  const sched: ScheduledTask = {
    taskId: fields.taskId,
    stageId: fields.stageId,
    stepId: fields.taskId,
    title: fields.title,
    kind: fields.kind,
    opensAt: fields.opensAt,
    dueAt: fields.dueAt,
    dueDate: localDateOf(ctx.cal, fields.dueAt),
    needsReview: fields.needsReview ?? false,
    recipients: [],
    deliverables: [],
    reminders: [],
    escalations: [],
  };
  return retimeTask(ctx.plan, ctx.cal, runScale(ctx), sched, fields.opensAt, fields.dueAt);
}

/** After the deadline changed: new ids, and whatever already lies in the past is not sent. */
export function rearm(t: TaskState, now: number): void {
  t.rev += 1;
  t.nextReminder = t.sched.reminders.filter((r) => ms(r.at) <= now).length;
  t.nextEscalation = t.sched.escalations.filter((e) => ms(e.at) <= now).length;
  t.fired = [];
  delete t.repeatAt;
}
