/**
 * Which digests go out on a given day, from the working-day calendar alone (pure, so the digest
 * workflow and unit tests share it): every working day the 指导组 daily lists; on the first
 * working day of the ISO week (Monday, or the first working day after a Monday holiday) the
 * office's weekly 简报. Nothing goes out on a non-working day, 调休 make-up Saturdays included
 * as working days.
 */
import { addDays, isoWeekday, type IsoDate, type WorkCalendar } from '../../domain/calendar/index.js';

export type DigestKind = 'daily' | 'weekly';

export function digestsDue(cal: WorkCalendar, date: IsoDate): DigestKind[] {
  if (!cal.isWorkingDay(date)) return [];
  const kinds: DigestKind[] = ['daily'];
  let firstOfWeek = true;
  for (let d = addDays(date, -(isoWeekday(date) - 1)); d < date; d = addDays(d, 1)) {
    if (cal.isWorkingDay(d)) {
      firstOfWeek = false;
      break;
    }
  }
  if (firstOfWeek) kinds.push('weekly');
  return kinds;
}
