/**
 * From dates to instants: a local date and time in the calendar's zone, and the rules that put
 * reminders and escalations into office hours on working days. Instants are ISO strings with
 * the zone's offset (e.g. 2009-10-09T17:30:00+08:00): JSON-friendly and readable.
 */
import { DateTime } from 'luxon';
import type { WorkCalendar } from './calendar.js';
import type { IsoDate } from './dates.js';
import { stringMemo } from './memo.js';
import { nextWorkingDay, previousWorkingDay } from './working-days.js';

export type IsoInstant = string;

// One memo per function: the answers depend on the zone and the arguments only (memo.ts).
const localInstants = stringMemo();
const localDates = stringMemo();
const localTimes = stringMemo();
const shifted = stringMemo();

export function localInstant(cal: WorkCalendar, date: IsoDate, time: string): IsoInstant {
  return localInstants.get(`${cal.zone}|${date}|${time}`, () => {
    const [h, m, s] = time.split(':').map(Number);
    const base = DateTime.fromISO(date, { zone: cal.zone }).startOf('day');
    // '24:00' (continuous calendars' office end) is the next midnight.
    const dt = base.plus({ hours: h ?? 0, minutes: m ?? 0, seconds: s ?? 0 });
    return toIso(dt);
  });
}

export function toIso(dt: DateTime): IsoInstant {
  const iso = dt.toISO({ suppressMilliseconds: true });
  if (iso === null) throw new Error(`invalid instant: ${dt.invalidExplanation ?? ''}`);
  return iso;
}

export function parseInstant(cal: WorkCalendar, instant: IsoInstant): DateTime {
  const dt = DateTime.fromISO(instant, { setZone: true }).setZone(cal.zone);
  if (!dt.isValid) throw new Error(`invalid instant: ${instant}`);
  return dt;
}

export function ms(instant: IsoInstant): number {
  return Date.parse(instant);
}

export function localDateOf(cal: WorkCalendar, instant: IsoInstant): IsoDate {
  return localDates.get(`${cal.zone}|${instant}`, () => {
    const d = parseInstant(cal, instant).toISODate();
    if (d === null) throw new Error(`invalid instant: ${instant}`);
    return d;
  });
}

/** Local time of day as HH:mm:ss. */
export function localTimeOf(cal: WorkCalendar, instant: IsoInstant): string {
  return localTimes.get(`${cal.zone}|${instant}`, () => parseInstant(cal, instant).toFormat('HH:mm:ss'));
}

export function addSeconds(cal: WorkCalendar, instant: IsoInstant, seconds: number): IsoInstant {
  return shifted.get(`${cal.zone}|${instant}|${seconds}`, () =>
    toIso(parseInstant(cal, instant).plus({ seconds })),
  );
}

export function officeStart(cal: WorkCalendar, date: IsoDate): IsoInstant {
  return localInstant(cal, date, cal.officeHours.start);
}

export function officeEnd(cal: WorkCalendar, date: IsoDate): IsoInstant {
  return localInstant(cal, date, cal.officeHours.end);
}

/** Whether an instant lies on a working day within office hours (end exclusive). */
export function isInOfficeHours(cal: WorkCalendar, instant: IsoInstant): boolean {
  if (cal.kind === 'continuous') return true;
  const date = localDateOf(cal, instant);
  if (!cal.isWorkingDay(date)) return false;
  const t = ms(instant);
  return t >= ms(officeStart(cal, date)) && t < ms(officeEnd(cal, date));
}

/** The instant itself if in office hours, else the next working day's office opening. */
export function nextOfficeMoment(cal: WorkCalendar, instant: IsoInstant): IsoInstant {
  if (isInOfficeHours(cal, instant)) return instant;
  const date = localDateOf(cal, instant);
  if (cal.isWorkingDay(date) && ms(instant) < ms(officeStart(cal, date))) return officeStart(cal, date);
  return officeStart(cal, nextWorkingDay(cal, date));
}

/** The instant itself if in office hours, else the latest office moment before it (for reminders). */
export function previousOfficeMoment(cal: WorkCalendar, instant: IsoInstant): IsoInstant {
  if (isInOfficeHours(cal, instant)) return instant;
  const date = localDateOf(cal, instant);
  if (cal.isWorkingDay(date) && ms(instant) >= ms(officeEnd(cal, date))) {
    return localInstant(cal, date, cal.officeHours.start);
  }
  return officeStart(cal, previousWorkingDay(cal, date));
}

/**
 * A reminder on a given local date and time: if the date is not a working day it moves to the
 * previous working day (a reminder should come early, not late), and the time is clamped into
 * office hours.
 */
export function reminderOn(cal: WorkCalendar, date: IsoDate, time: string): IsoInstant {
  const day = cal.kind === 'continuous' ? date : previousWorkingDay(cal, date, true);
  const at = localInstant(cal, day, time);
  if (cal.kind === 'continuous') return at;
  const start = officeStart(cal, day);
  if (ms(at) < ms(start)) return start;
  if (ms(at) >= ms(officeEnd(cal, day))) return start;
  return at;
}
