export * from './dates.js';
export * from './calendar.js';
export * from './working-days.js';
export * from './instants.js';
export { CN_DAYS_COVERED, cnHolidayEntry } from './cn-holidays.js';
export { CN_OVERRIDES_BY_YEAR, type DayOverride } from './cn-overrides.js';
export {
  calendarYearsDays,
  holidayYearDays,
  type CalendarYearData,
  type HolidayYear,
} from './holiday-year.js';
