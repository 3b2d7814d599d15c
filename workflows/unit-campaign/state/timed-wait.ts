/**
 * A wait with a limit, as a review (审查时限) and an extension request (审批时限) both carry one:
 * reminders before the limit, an escalation ladder after it. Moving it on only advances its
 * counters; what is sent and noted stays with the review or the request.
 */
import { ms } from '../../../domain/calendar/index.js';
import type { ScheduledEscalation, ScheduledReminder } from '../../../domain/schedule/index.js';

export interface TimedWait {
  reminders: ScheduledReminder[];
  escalations: ScheduledEscalation[];
  nextReminder: number;
  nextEscalation: number;
}

/**
 * Moves the wait on to `now`: `remind` when a reminder has come due while the limit `dueAt` is still
 * ahead; `rung` the highest escalation now reached, if one came due (lower ones it passed stay unsent).
 */
export function advanceTimedWait(
  w: TimedWait,
  dueAt: string,
  now: number,
): { remind: boolean; rung: ScheduledEscalation | undefined } {
  let due = -1;
  while (w.nextReminder < w.reminders.length && ms(w.reminders[w.nextReminder]!.at) <= now)
    due = w.nextReminder++;
  let level = -1;
  while (w.nextEscalation < w.escalations.length && ms(w.escalations[w.nextEscalation]!.at) <= now)
    level = w.nextEscalation++;
  return { remind: due >= 0 && ms(dueAt) > now, rung: level >= 0 ? w.escalations[level] : undefined };
}

/** When the wait next needs the workflow awake (its next reminder or rung). */
export function timedWaitDueAt(w: TimedWait | undefined): number | undefined {
  if (!w) return undefined;
  const times = [w.reminders[w.nextReminder]?.at, w.escalations[w.nextEscalation]?.at]
    .filter((a): a is string => a !== undefined)
    .map(ms);
  return times.length > 0 ? Math.min(...times) : undefined;
}
