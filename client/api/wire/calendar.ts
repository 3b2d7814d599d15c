/** GET/POST /api/calendar: the holiday years the office loaded, and what a load did (app/calendar). */
import type { StoredCalendarYear } from '../../../app/calendar/store.js';

export type { CalendarAddResult } from '../../../app/calendar/service.js';
export type { StoredCalendarYear };

export interface CalendarYears {
  years: StoredCalendarYear[];
}
