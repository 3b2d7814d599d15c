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

/** Calendars made by makeCalendar: they never change, so answers about them may be remembered (working-days.ts). */
const made = new WeakSet<WorkCalendar>();
/** One calendar per distinct options: every unit workflow of a plan asks for the same one, and shares its day cache. */
const byOptions = new Map<string, WorkCalendar>();
const CALENDARS_LIMIT = 64;

export function isImmutableCalendar(cal: WorkCalendar): boolean {
  return made.has(cal);
}

export function makeCalendar(options: CalendarOptions = {}): WorkCalendar {
  const key = JSON.stringify([
    options.kind,
    options.zone,
    options.officeHours,
    options.overrides?.map((o) => [o.date, o.working, o.note]),
  ]);
  const known = byOptions.get(key);
  if (known) return known;
  const cal = buildCalendar(options);
  if (byOptions.size >= CALENDARS_LIMIT) byOptions.clear();
  byOptions.set(key, cal);
  made.add(cal);
  return cal;
}

function buildCalendar(options: CalendarOptions): WorkCalendar {
  const kind = options.kind ?? 'cn';
  const zone = options.zone ?? 'Asia/Shanghai';
  const hours =
    kind === 'continuous'
      ? { start: '00:00', end: '24:00' }
      : (options.officeHours ?? { start: '09:00', end: '17:30' });
  // A copy: the caller's object (a plan's) must not be able to change a shared calendar.
  const officeHours = Object.freeze({ start: hours.start, end: hours.end });
  const overrides = new Map<IsoDate, DayOverride>();
  if (kind === 'cn')
    for (const list of Object.values(CN_OVERRIDES_BY_YEAR)) for (const o of list) overrides.set(o.date, o);
  for (const o of options.overrides ?? []) overrides.set(o.date, { ...o });
  const overrideYears = new Set([...overrides.keys()].map(yearOf));
  // Results are cached per instance: the package lookup is the slow part of long schedules.
  const cache = new Map<IsoDate, DayInfo>();

  // Frozen: the same answer object goes to every workflow that shares this calendar.
  function compute(date: IsoDate): DayInfo {
    return Object.freeze(lookup(date));
  }

  function lookup(date: IsoDate): DayInfo {
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

  return Object.freeze({
    kind,
    zone,
    officeHours,
    dayInfo(date: IsoDate) {
      let info = cache.get(date);
      if (!info) {
        info = compute(date);
        cache.set(date, info);
      }
      return info;
    },
    isWorkingDay(date: IsoDate) {
      return this.dayInfo(date).working;
    },
    coversYear(year: number) {
      if (kind !== 'cn') return true;
      return (year >= CN_DAYS_COVERED.from && year <= CN_DAYS_COVERED.to) || overrideYears.has(year);
    },
  });
}

/** True for a Saturday or Sunday that is a 调休 working day. */
export function isMakeUpWorkday(cal: WorkCalendar, date: IsoDate): boolean {
  return isoWeekday(date) >= 6 && cal.isWorkingDay(date);
}
