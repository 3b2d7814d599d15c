/**
 * Chinese public holidays and 调休 make-up working days, from the `chinese-days` package
 * (pure data + functions, no Node built-ins). Its tables cover CN_DAYS_COVERED; later years need
 * an override table (cn-overrides.ts, or `calendar.overrides` in a plan) until the package is
 * updated.
 *
 * chinese-days computes weekdays in the process's local time zone, which is wrong west of UTC,
 * so only its holiday/make-up table is trusted here (via getDayDetail's name) and the weekday is
 * computed in UTC by dates.ts.
 */
import chineseDays from 'chinese-days';
import { isoWeekday, type IsoDate } from './dates.js';

export const CN_DAYS_COVERED = { from: 2004, to: 2026 } as const;

const ENGLISH_WEEKDAYS = new Set([
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
]);

export interface CnDayEntry {
  /** true = a make-up working day (调休上班), false = a public holiday. */
  readonly working: boolean;
  /** Chinese festival name, e.g. 国庆节. */
  readonly name: string;
}

/** The package's entry for a date, or undefined if it is an ordinary weekday or weekend day. */
export function cnHolidayEntry(date: IsoDate): CnDayEntry | undefined {
  const detail = chineseDays.getDayDetail(date);
  if (ENGLISH_WEEKDAYS.has(detail.name)) return undefined;
  // Names look like "National Day,国庆节,3".
  const parts = detail.name.split(',');
  const name = parts[1] ?? parts[0] ?? detail.name;
  return { working: detail.work, name };
}

export function isPlainWeekday(date: IsoDate): boolean {
  return isoWeekday(date) <= 5;
}
