/**
 * A working-day calendar: which dates are working days, the local time zone and office hours.
 * Built from a plan's `calendar` section; pure and deterministic so workflow code can build
 * its own copy from the plan it was given.
 */
import { cnHolidayEntry, CN_DAYS_COVERED, isPlainWeekday } from './cn-holidays.js';
import { CN_OVERRIDES_BY_YEAR, type DayOverride } from './cn-overrides.js';
import { isoWeekday, yearOf, type IsoDate } from './dates.js';

export type CalendarKind = 'cn' | 'weekdays' | 'continuous';

export interface CalendarOptions {
  readonly kind?: CalendarKind;
  readonly zone?: string;
  readonly officeHours?: { readonly start: string; readonly end: string };
  /** Dates already resolved to ISO form. */
  readonly overrides?: readonly DayOverride[];
}

export interface DayInfo {
  readonly date: IsoDate;
  readonly working: boolean;
  /** Holiday or make-up day name (国庆节, 春节, or an override's note). */
  readonly name?: string;
  readonly source: 'override' | 'package' | 'weekday';
}

export interface WorkCalendar {
  readonly kind: CalendarKind;
  readonly zone: string;
  readonly officeHours: { readonly start: string; readonly end: string };
  isWorkingDay(date: IsoDate): boolean;
  dayInfo(date: IsoDate): DayInfo;
  /** Whether holiday data is known for the year (package coverage or an override that year). */
  coversYear(year: number): boolean;
}

export function makeCalendar(options: CalendarOptions = {}): WorkCalendar {
  const kind = options.kind ?? 'cn';
  const zone = options.zone ?? 'Asia/Shanghai';
  const officeHours =
    kind === 'continuous' ? { start: '00:00', end: '24:00' } : (options.officeHours ?? { start: '09:00', end: '17:30' });
  const overrides = new Map<IsoDate, DayOverride>();
  if (kind === 'cn') for (const list of Object.values(CN_OVERRIDES_BY_YEAR)) for (const o of list) overrides.set(o.date, o);
  for (const o of options.overrides ?? []) overrides.set(o.date, o);
  const overrideYears = new Set([...overrides.keys()].map(yearOf));
  // Results are cached per instance: the package lookup is the slow part of long schedules.
  const cache = new Map<IsoDate, DayInfo>();

  function compute(date: IsoDate): DayInfo {
    const o = overrides.get(date);
    if (o) return { date, working: o.working, ...(o.note ? { name: o.note } : {}), source: 'override' };
    if (kind === 'continuous') return { date, working: true, source: 'weekday' };
    if (kind === 'cn') {
      const y = yearOf(date);
      if (y >= CN_DAYS_COVERED.from && y <= CN_DAYS_COVERED.to) {
        const e = cnHolidayEntry(date);
        if (e) return { date, working: e.working, name: e.name, source: 'package' };
      }
    }
    return { date, working: isPlainWeekday(date), source: 'weekday' };
  }

  return {
    kind,
    zone,
    officeHours,
    dayInfo(date) {
      let info = cache.get(date);
      if (!info) {
        info = compute(date);
        cache.set(date, info);
      }
      return info;
    },
    isWorkingDay(date) {
      return this.dayInfo(date).working;
    },
    coversYear(year) {
      if (kind !== 'cn') return true;
      return (year >= CN_DAYS_COVERED.from && year <= CN_DAYS_COVERED.to) || overrideYears.has(year);
    },
  };
}

/** True for a Saturday or Sunday that is a 调休 working day. */
export function isMakeUpWorkday(cal: WorkCalendar, date: IsoDate): boolean {
  return isoWeekday(date) >= 6 && cal.isWorkingDay(date);
}
