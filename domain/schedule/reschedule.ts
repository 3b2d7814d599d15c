/**
 * Changing dates after launch: one task gets a new due date (an extension, or a return by the
 * 指导组), or all remaining tasks move by N (working) days (a pause, 秋收农忙, Spring Festival).
 * Reminders and escalations are recomputed from the plan's policies.
 */
import {
  localDateOf,
  localInstant,
  localTimeOf,
  shiftDeadline,
  nextWorkingDay,
  addSeconds,
  type IsoInstant,
  type WorkCalendar,
} from '../calendar/index.js';
import { isDayUnit } from '../plan/expr.js';
import type { Plan } from '../plan/schema.js';
import { computeEscalations } from './escalations.js';
import { calendarForPlan } from './plan-calendar.js';
import { computeReminders } from './reminders.js';
import { addDayDuration, clockSeconds, dueFromDate, duration } from './resolve.js';
import { compress, expand, mapTaskInstants } from './time-scale.js';
import type { ScheduledTask, TimeScaleInfo } from './types.js';

export interface RescheduleContext {
  readonly calendar?: WorkCalendar;
  /** The schedule's timeScale, if the plan compresses time (Schedule.timeScale). */
  readonly timeScale?: TimeScaleInfo | null;
}

const ISO_DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function withTimes(
  plan: Plan,
  cal: WorkCalendar,
  task: ScheduledTask,
  opensAt: IsoInstant,
  dueAt: IsoInstant,
): ScheduledTask {
  return {
    ...task,
    opensAt,
    dueAt,
    dueDate: localDateOf(cal, dueAt),
    reminders: computeReminders(cal, plan.reminders, opensAt, dueAt),
    escalations: computeEscalations(cal, plan.escalation, dueAt),
  };
}

/** Runs `f` in plan time: expands a compressed task first and compresses the result again. */
function inPlanTime(
  cal: WorkCalendar,
  ts: TimeScaleInfo | null | undefined,
  task: ScheduledTask,
  f: (t: ScheduledTask) => ScheduledTask,
): ScheduledTask {
  if (!ts) return f(task);
  const r = f(mapTaskInstants(task, (at) => expand(cal, ts, at)));
  return { ...mapTaskInstants(r, (at) => compress(cal, ts, at)), dueDate: r.dueDate };
}

/**
 * A task with a new deadline. `newDue` is an ISO date (due at office closing, moved off a
 * holiday per the plan's rule) or an exact ISO instant. With a timeScale, an instant is taken
 * as real (compressed) time and a date as plan time.
 */
export function rescheduleTask(
  plan: Plan,
  task: ScheduledTask,
  newDue: string,
  ctx: RescheduleContext = {},
): ScheduledTask {
  const cal = ctx.calendar ?? calendarForPlan(plan);
  const ts = ctx.timeScale;
  return inPlanTime(cal, ts, task, (t) => {
    let dueAt: IsoInstant;
    if (ISO_DATE_ONLY.test(newDue)) dueAt = dueFromDate(cal, newDue, plan.deadlineOnHoliday);
    else {
      const exact = addSeconds(cal, new Date(Date.parse(newDue)).toISOString(), 0);
      dueAt = ts ? expand(cal, ts, exact) : exact;
    }
    return withTimes(plan, cal, t, t.opensAt, dueAt);
  });
}

function shiftInstant(plan: Plan, cal: WorkCalendar, at: IsoInstant, by: string, isDue: boolean): IsoInstant {
  const d = duration(by);
  if (!isDayUnit(d.unit)) return addSeconds(cal, at, clockSeconds(d));
  let date = addDayDuration(cal, localDateOf(cal, at), d);
  if (cal.kind !== 'continuous')
    date = isDue ? shiftDeadline(cal, date, plan.deadlineOnHoliday) : nextWorkingDay(cal, date, true);
  return localInstant(cal, date, localTimeOf(cal, at));
}

/**
 * Every given task moved by a duration (`5wd` five working days, `7d`, `1mo`, `2h`): openings
 * and deadlines keep their time of day and land on working days; reminders and escalations
 * are recomputed. Pass only the tasks still open.
 */
export function shiftTasks(
  plan: Plan,
  tasks: readonly ScheduledTask[],
  by: string,
  ctx: RescheduleContext = {},
): ScheduledTask[] {
  const cal = ctx.calendar ?? calendarForPlan(plan);
  return tasks.map((task) =>
    inPlanTime(cal, ctx.timeScale, task, (t) =>
      withTimes(
        plan,
        cal,
        t,
        shiftInstant(plan, cal, t.opensAt, by, false),
        shiftInstant(plan, cal, t.dueAt, by, true),
      ),
    ),
  );
}
