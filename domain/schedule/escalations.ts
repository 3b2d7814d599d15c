/**
 * When an overdue task climbs the escalation ladder: each level fires after its delay, on a
 * working day within office hours, strictly after the due instant and after the level below.
 */
import {
  addSeconds,
  localDateOf,
  ms,
  nextOfficeMoment,
  nextWorkingDay,
  officeStart,
  type IsoInstant,
  type WorkCalendar,
} from '../calendar/index.js';
import { isDayUnit, type Duration } from '../plan/expr.js';
import type { EscalationPolicy } from '../plan/schema.js';
import { addDayDuration, clockSeconds, duration } from './resolve.js';
import type { ScheduledEscalation } from './types.js';

const DEFAULT_LABELS = ['催办', '督办', '指导组督办', '通报'];

/** The instant `d` after `from`, placed in office time and strictly after `from`. */
function delayAfter(cal: WorkCalendar, from: IsoInstant, d: Duration): IsoInstant {
  let at: IsoInstant;
  if (isDayUnit(d.unit)) {
    const date = addDayDuration(cal, localDateOf(cal, from), d);
    at =
      cal.kind === 'continuous'
        ? addSeconds(cal, from, clockSeconds(d))
        : officeStart(cal, nextWorkingDay(cal, date, true));
  } else {
    at = addSeconds(cal, from, clockSeconds(d));
  }
  if (ms(at) <= ms(from)) at = addSeconds(cal, from, 60);
  return cal.kind === 'continuous' ? at : nextOfficeMoment(cal, at);
}

export function computeEscalations(
  cal: WorkCalendar,
  policy: EscalationPolicy,
  dueAt: IsoInstant,
): ScheduledEscalation[] {
  const out: ScheduledEscalation[] = [];
  let prev = dueAt;
  for (const [i, lv] of policy.levels.entries()) {
    let at = delayAfter(cal, dueAt, duration(lv.after));
    if (ms(at) <= ms(prev))
      at = delayAfter(
        cal,
        prev,
        cal.kind === 'continuous' ? { amount: 1, unit: 's' } : { amount: 1, unit: 'wd' },
      );
    out.push({
      level: lv.level,
      at,
      recipients: [...lv.to],
      cc: [...lv.cc],
      label: lv.label ?? DEFAULT_LABELS[Math.min(i, DEFAULT_LABELS.length - 1)] ?? '催办',
    });
    prev = at;
  }
  return out;
}

/** When the last level repeats after it (or a previous repeat) fired at `lastAt`; undefined if it does not repeat. */
export function nextEscalationRepeat(
  cal: WorkCalendar,
  policy: EscalationPolicy,
  lastAt: IsoInstant,
): IsoInstant | undefined {
  if (policy.repeatEvery === undefined) return undefined;
  return delayAfter(cal, lastAt, duration(policy.repeatEvery));
}
