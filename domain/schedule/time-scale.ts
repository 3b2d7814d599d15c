/**
 * Demo compression: a schedule computed with the real calendar, with every instant pulled
 * towards the start so that one plan day lasts `dayLasts` of real time.
 */
import { addSeconds, ms, type IsoInstant, type WorkCalendar } from '../calendar/index.js';
import type { Plan } from '../plan/schema.js';
import { clockSeconds, duration } from './resolve.js';
import type { ScheduledTask, TimeScaleInfo } from './types.js';

export function timeScaleOf(plan: Plan, origin: IsoInstant): TimeScaleInfo | null {
  if (!plan.timeScale) return null;
  return { origin, factor: clockSeconds(duration(plan.timeScale.dayLasts)) / 86_400 };
}

export function compress(cal: WorkCalendar, ts: TimeScaleInfo, at: IsoInstant): IsoInstant {
  const secs = (ms(at) - ms(ts.origin)) / 1000;
  return addSeconds(cal, ts.origin, Math.round(secs * ts.factor * 1000) / 1000);
}

export function expand(cal: WorkCalendar, ts: TimeScaleInfo, at: IsoInstant): IsoInstant {
  const secs = (ms(at) - ms(ts.origin)) / 1000;
  return addSeconds(cal, ts.origin, Math.round(secs / ts.factor));
}

export function mapTaskInstants(task: ScheduledTask, f: (at: IsoInstant) => IsoInstant): ScheduledTask {
  return {
    ...task,
    opensAt: f(task.opensAt),
    dueAt: f(task.dueAt),
    reminders: task.reminders.map((r) => ({ ...r, at: f(r.at) })),
    escalations: task.escalations.map((e) => ({ ...e, at: f(e.at) })),
  };
}
