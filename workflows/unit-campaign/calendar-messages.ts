/** The holiday-year Update of the unit workflow (re-exported by messages.ts, which clients import). */
import { defineUpdate } from '@temporalio/workflow';
import type { CalendarYearData } from '../../domain/calendar/holiday-year.js';

/**
 * A holiday year the office loaded (`campaign calendar add`): the unit merges it into its calendar,
 * moves future deadlines that now fall on a holiday by the plan's rule, and tells the unit. Sent
 * by the service layer to every running unit (app/calendar.ts); the same version twice is a no-op.
 */
export const updateCalendarUpdate = defineUpdate<CalendarUpdateAck, [CalendarYearData]>('updateCalendar');
export interface CalendarUpdateAck {
  /** False when the unit already had this version (nothing changed). */
  applied: boolean;
  /** Tasks whose deadline moved. */
  moved: number;
}
