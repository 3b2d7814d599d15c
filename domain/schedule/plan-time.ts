/**
 * Deadlines set while a campaign runs (a return's resubmission, 回头看 gaps, 补课 rounds,
 * continued-rectification reports, repeats of the last escalation level, stages that open when
 * the previous one completes) count plan durations from "now". In a timeScale plan they must be
 * computed the way the schedule itself is: the real instant is expanded to plan time, the
 * duration added there with the plan's calendar, and the result compressed again; otherwise a
 * return in a demo would give the unit five real working days instead of under a minute.
 *
 * Every function takes the timeScale to apply, or null to compute in real time (plans without a
 * timeScale, and workflows started before this was introduced), where each is exactly the
 * computation the workflow did before.
 */
import {
  addSeconds,
  localDateOf,
  type IsoDate,
  type IsoInstant,
  type WorkCalendar,
} from '../calendar/index.js';
import { isDayUnit } from '../plan/expr.js';
import type { Plan, Stage } from '../plan/schema.js';
import { scheduleStage } from './build.js';
import { computeEscalations, nextEscalationRepeat } from './escalations.js';
import { computeReminders } from './reminders.js';
import { addDayDuration, clockSeconds, dueFromDate, duration, type Anchor } from './resolve.js';
import { compress, expand, mapTaskInstants } from './time-scale.js';
import type { ScheduledStage, ScheduledTask, TimeScaleInfo, UnitProfile } from './types.js';

/** `f` applied to `at` taken in plan time; its answer brought back to real time. */
function viaPlanTime<T extends IsoInstant | undefined>(
  cal: WorkCalendar,
  ts: TimeScaleInfo | null,
  at: IsoInstant,
  f: (planAt: IsoInstant) => T,
): T {
  if (!ts) return f(at);
  const r = f(expand(cal, ts, at));
  return (r === undefined ? r : compress(cal, ts, r)) as T;
}

/** `text` (5wd, 10d, 15s) after `from` on the plan's calendar: day units end at office closing, per the holiday rule. */
export function addPlanDuration(plan: Plan, cal: WorkCalendar, from: IsoInstant, text: string): IsoInstant {
  const d = duration(text);
  if (!isDayUnit(d.unit) || cal.kind === 'continuous') return addSeconds(cal, from, clockSeconds(d));
  return dueFromDate(cal, addDayDuration(cal, localDateOf(cal, from), d), plan.deadlineOnHoliday);
}

/** The deadline `text` after the real instant `from`, counted in plan time. */
export function deadlineAfter(
  plan: Plan,
  cal: WorkCalendar,
  ts: TimeScaleInfo | null,
  from: IsoInstant,
  text: string,
): IsoInstant {
  return viaPlanTime(cal, ts, from, (p) => addPlanDuration(plan, cal, p, text));
}

/** Due at office closing of a plan date (moved off a holiday per the plan's rule), as a real instant. */
export function dueOnPlanDate(
  plan: Plan,
  cal: WorkCalendar,
  ts: TimeScaleInfo | null,
  date: IsoDate,
): IsoInstant {
  const due = dueFromDate(cal, date, plan.deadlineOnHoliday);
  return ts ? compress(cal, ts, due) : due;
}

/** When the last escalation level, fired at the real instant `lastAt`, repeats (real instant). */
export function escalationRepeatAfter(
  plan: Plan,
  cal: WorkCalendar,
  ts: TimeScaleInfo | null,
  lastAt: IsoInstant,
): IsoInstant | undefined {
  return viaPlanTime(cal, ts, lastAt, (p) => nextEscalationRepeat(cal, plan.escalation, p));
}

/**
 * `task` opening and due at the given real instants, with reminders and escalations recomputed
 * from the plan's policies in plan time ("3 working days before" means plan days). The two
 * instants are kept as given; dueDate is the plan date, as in buildSchedule.
 */
export function retimeTask(
  plan: Plan,
  cal: WorkCalendar,
  ts: TimeScaleInfo | null,
  task: ScheduledTask,
  opensAt: IsoInstant,
  dueAt: IsoInstant,
): ScheduledTask {
  const toPlan = (at: IsoInstant) => (ts ? expand(cal, ts, at) : at);
  const toReal = (at: IsoInstant) => (ts ? compress(cal, ts, at) : at);
  const planOpens = toPlan(opensAt);
  const planDue = toPlan(dueAt);
  return {
    ...task,
    opensAt,
    dueAt,
    dueDate: localDateOf(cal, planDue),
    reminders: computeReminders(cal, plan.reminders, planOpens, planDue).map((r) => ({
      ...r,
      at: toReal(r.at),
    })),
    escalations: computeEscalations(cal, plan.escalation, planDue).map((e) => ({ ...e, at: toReal(e.at) })),
  };
}

/** An after_previous stage that opened at the real instant `openedAt`: its offsets count in plan time from there. */
export function scheduleStageOpenedAt(
  plan: Plan,
  unit: UnitProfile,
  stage: Stage,
  anchor: Anchor,
  cal: WorkCalendar,
  ts: TimeScaleInfo | null,
  openedAt: IsoInstant,
): { stage: ScheduledStage; tasks: ScheduledTask[] } {
  if (!ts) return scheduleStage(plan, unit, stage, anchor, cal, openedAt);
  const r = scheduleStage(plan, unit, stage, anchor, cal, expand(cal, ts, openedAt));
  const real = (at: IsoInstant) => compress(cal, ts, at);
  return {
    // The stage opened at `openedAt`: keep it exactly rather than a rounded round trip.
    stage: { ...r.stage, opensAt: openedAt, dueAt: real(r.stage.dueAt) },
    tasks: r.tasks.map((t) => {
      const c = mapTaskInstants(t, real);
      return c.opensAt === real(r.stage.opensAt) ? { ...c, opensAt: openedAt } : c;
    }),
  };
}

/** How much plan time `realMs` of real time stands for. */
export function planMillis(ts: TimeScaleInfo | null, realMs: number): number {
  return ts ? realMs / ts.factor : realMs;
}
