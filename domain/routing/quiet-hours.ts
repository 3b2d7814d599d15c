/**
 * Quiet hours per channel on the plan's own working-day calendar: an SMS or robot message is not
 * sent at night or on a holiday but held until the next working morning (never dropped). Pure, so
 * the activity and any preview compute the same instant.
 */
import {
  isInOfficeHours,
  localDateOf,
  nextOfficeMoment,
  nextWorkingDay,
  officeStart,
  type IsoInstant,
  type WorkCalendar,
} from '../calendar/index.js';
import type { QuietRule } from './quiet-rules.js';

/**
 * undefined when a message on a channel with `rule` may go out at `instant`; otherwise the
 * instant it may go out: office opening of the same or the next working day.
 */
export function quietUntil(cal: WorkCalendar, rule: QuietRule, instant: IsoInstant): IsoInstant | undefined {
  switch (rule) {
    case 'any_time':
      return undefined;
    case 'office_hours':
      return isInOfficeHours(cal, instant) ? undefined : nextOfficeMoment(cal, instant);
    case 'working_days': {
      const date = localDateOf(cal, instant);
      return cal.isWorkingDay(date) ? undefined : officeStart(cal, nextWorkingDay(cal, date));
    }
  }
}
