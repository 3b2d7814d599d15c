/**
 * When to remind about one task: on opening, N working days before the due date, on the due
 * morning, and at exact intervals for drills. Every reminder lies in [opensAt, dueAt), on a
 * working day within office hours (except in a continuous calendar); duplicates collapse.
 */
import {
  addSeconds,
  localDateOf,
  localTimeOf,
  localInstant,
  ms,
  nextOfficeMoment,
  officeStart,
  previousOfficeMoment,
  reminderOn,
  workingDaysBefore,
  type IsoInstant,
  type WorkCalendar,
} from '../calendar/index.js';
import { describeDuration, isDayUnit } from '../plan/expr.js';
import type { ReminderPolicy } from '../plan/schema.js';
import { addDayDuration, clockSeconds, duration } from './resolve.js';
import type { ScheduledReminder } from './types.js';

export function computeReminders(
  cal: WorkCalendar,
  policy: ReminderPolicy,
  opensAt: IsoInstant,
  dueAt: IsoInstant,
): ScheduledReminder[] {
  const to = [...policy.to];
  const out: ScheduledReminder[] = [];
  const dueDate = localDateOf(cal, dueAt);
  if (policy.onOpen) out.push({ at: nextOfficeMoment(cal, opensAt), kind: 'opened', label: '已开始', to });
  for (const n of [...policy.workingDaysBefore].sort((a, b) => b - a)) {
    const day =
      cal.kind === 'continuous'
        ? addDayDuration(cal, dueDate, { amount: n, unit: 'd' }, -1)
        : workingDaysBefore(cal, dueDate, n);
    out.push({ at: officeStart(cal, day), kind: 'working_days_before', label: `截止前${n}个工作日`, to });
  }
  if (policy.onDueDay !== undefined) {
    out.push({ at: reminderOn(cal, dueDate, policy.onDueDay), kind: 'due_day', label: '截止当日', to });
  }
  for (const text of policy.before) {
    const d = duration(text);
    let at: IsoInstant;
    if (isDayUnit(d.unit)) {
      at = localInstant(cal, addDayDuration(cal, dueDate, d, -1), localTimeOf(cal, dueAt));
    } else {
      at = addSeconds(cal, dueAt, -clockSeconds(d));
    }
    if (cal.kind !== 'continuous') at = previousOfficeMoment(cal, at);
    out.push({ at, kind: 'before', label: `截止前${describeDuration(d)}`, to });
  }
  const open = ms(opensAt);
  const due = ms(dueAt);
  const seen = new Set<number>();
  return out
    .filter((r) => ms(r.at) >= open && ms(r.at) < due)
    .sort((a, b) => ms(a.at) - ms(b.at))
    .filter((r) => {
      const t = ms(r.at);
      if (seen.has(t)) return false;
      seen.add(t);
      return true;
    });
}
