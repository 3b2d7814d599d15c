/**
 * Counting working days the way a Chinese office does: only working days count (a 调休
 * Saturday does, a holiday Monday does not), and the starting date itself is never counted.
 */
import { isImmutableCalendar, type WorkCalendar } from './calendar.js';
import { addDays, type IsoDate } from './dates.js';
import { stringMemo, type StringMemo } from './memo.js';

// A run of non-working days never exceeds a few weeks; this bound only stops a calendar whose
// overrides mark everything as a holiday from looping forever.
const MAX_SCAN_DAYS = 366 * 2;

function scan(cal: WorkCalendar, from: IsoDate, step: 1 | -1, inclusive: boolean): IsoDate {
  let d = inclusive ? from : addDays(from, step);
  for (let i = 0; i < MAX_SCAN_DAYS; i++) {
    if (cal.isWorkingDay(d)) return d;
    d = addDays(d, step);
  }
  throw new Error(`no working day within ${MAX_SCAN_DAYS} days of ${from}`);
}

/** The first working day on or after `date` (strictly after unless `inclusive`). */
export function nextWorkingDay(cal: WorkCalendar, date: IsoDate, inclusive = false): IsoDate {
  return scan(cal, date, 1, inclusive);
}

/** The last working day on or before `date` (strictly before unless `inclusive`). */
export function previousWorkingDay(cal: WorkCalendar, date: IsoDate, inclusive = false): IsoDate {
  return scan(cal, date, -1, inclusive);
}

/**
 * The n-th working day after `date` (n > 0) or before it (n < 0); n = 0 returns `date` itself.
 * Between `date` and the result lie exactly |n| − 1 working days.
 */
export function addWorkingDays(cal: WorkCalendar, date: IsoDate, n: number): IsoDate {
  // Escalation ladders count 10wd and more, day by day, for every task of every unit: remembered
  // per calendar (only makeCalendar's, which never change).
  if (!isImmutableCalendar(cal)) return countWorkingDays(cal, date, n);
  let memo = stepMemos.get(cal);
  if (!memo) {
    memo = stringMemo();
    stepMemos.set(cal, memo);
  }
  return memo.get(`${date}|${n}`, () => countWorkingDays(cal, date, n));
}

const stepMemos = new WeakMap<WorkCalendar, StringMemo>();

function countWorkingDays(cal: WorkCalendar, date: IsoDate, n: number): IsoDate {
  let d = date;
  const step = n >= 0 ? 1 : -1;
  for (let i = 0; i < Math.abs(n); i++) d = scan(cal, d, step, false);
  return d;
}

/** "N working days before X" (提前N个工作日). */
export function workingDaysBefore(cal: WorkCalendar, date: IsoDate, n: number): IsoDate {
  return addWorkingDays(cal, date, -n);
}

/** Working days strictly between two dates (neither end counted). */
export function workingDaysBetween(cal: WorkCalendar, from: IsoDate, to: IsoDate): number {
  let count = 0;
  for (let d = addDays(from, 1); d < to; d = addDays(d, 1)) if (cal.isWorkingDay(d)) count++;
  return count;
}

export type DeadlineRule = 'keep' | 'previous_working_day' | 'next_working_day';

/** A deadline date that falls on a non-working day, moved per the plan's rule. */
export function shiftDeadline(cal: WorkCalendar, date: IsoDate, rule: DeadlineRule): IsoDate {
  if (rule === 'keep' || cal.isWorkingDay(date)) return date;
  return rule === 'previous_working_day' ? previousWorkingDay(cal, date) : nextWorkingDay(cal, date);
}
