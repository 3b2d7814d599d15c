import chineseDays from 'chinese-days';
import type { WorkingCalendar } from './quiet-hours.js';

/**
 * Stand-in until domain/calendar lands: chinese-days knows the State Council's holidays and 调休
 * make-up working days for the years it ships.
 */
export const chineseDaysCalendar: WorkingCalendar = {
  isWorkingDay: (isoDate) => chineseDays.isWorkday(isoDate),
};
