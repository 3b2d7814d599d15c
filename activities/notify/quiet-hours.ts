import { DateTime } from 'luxon';

/**
 * The working-day calendar (法定节假日 and 调休) is owned by domain/calendar; notifications only
 * need this much of it, injected so either implementation fits.
 */
export interface WorkingCalendar {
  /** `isoDate` is yyyy-MM-dd in the office's time zone. */
  isWorkingDay(isoDate: string): boolean;
}

export interface OfficeHours {
  start: string; // HH:mm
  end: string; // HH:mm
  zone: string;
}

function at(day: DateTime, hhmm: string): DateTime {
  const [h, m] = hhmm.split(':').map(Number);
  return day.set({ hour: h ?? 0, minute: m ?? 0, second: 0, millisecond: 0 });
}

/**
 * undefined when `now` is inside office hours on a working day; otherwise the start of the next
 * working morning. Looks ahead at most 60 days (the longest holiday plus harvest leave is far less).
 */
export function nextOfficeOpening(now: Date, hours: OfficeHours, calendar: WorkingCalendar): Date | undefined {
  const local = DateTime.fromJSDate(now, { zone: hours.zone });
  const today = local.startOf('day');
  if (calendar.isWorkingDay(today.toISODate() ?? '')) {
    const open = at(today, hours.start);
    const close = at(today, hours.end);
    if (local >= open && local < close) return undefined;
    if (local < open) return open.toJSDate();
  }
  for (let i = 1; i <= 60; i++) {
    const day = today.plus({ days: i });
    if (calendar.isWorkingDay(day.toISODate() ?? '')) return at(day, hours.start).toJSDate();
  }
  throw new Error(`no working day within 60 days after ${today.toISODate()}`);
}
