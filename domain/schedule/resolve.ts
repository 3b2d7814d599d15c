/**
 * Turning a plan's date expressions into instants against an anchor (the campaign start, or
 * the moment an after_previous stage opens), following the calendar's placement rules.
 */
import {
  addDays,
  addMonths,
  addSeconds,
  addWorkingDays,
  localDateOf,
  localInstant,
  ms,
  nextWorkingDay,
  officeEnd,
  officeStart,
  shiftDeadline,
  type IsoDate,
  type IsoInstant,
  type WorkCalendar,
} from '../calendar/index.js';
import {
  isDayUnit,
  parseDateExpr,
  parseDuration,
  periodRange,
  type DateExpr,
  type Duration,
} from '../plan/expr.js';
import type { HolidayRule } from '../plan/schema.js';

export interface Anchor {
  readonly date: IsoDate;
  readonly instant: IsoInstant;
}

const ISO_DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A campaign start: a date means that day's office opening; an instant is taken as is. */
export function anchorOf(cal: WorkCalendar, start: string): Anchor {
  if (ISO_DATE_ONLY.test(start)) return { date: start, instant: officeStart(cal, start) };
  const instant = normaliseInstant(cal, start);
  return { date: localDateOf(cal, instant), instant };
}

export function anchorAt(cal: WorkCalendar, instant: IsoInstant): Anchor {
  return { date: localDateOf(cal, instant), instant };
}

function normaliseInstant(cal: WorkCalendar, text: string): IsoInstant {
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`无法识别的开始时间「${text}」`);
  // Re-express in the calendar's zone so all instants of a schedule read alike.
  return addSeconds(cal, new Date(t).toISOString(), 0);
}

function expr(text: string): DateExpr {
  const p = parseDateExpr(text);
  if (!p.ok) throw new Error(p.message);
  return p.value;
}

export function duration(text: string): Duration {
  const p = parseDuration(text);
  if (!p.ok) throw new Error(p.message);
  return p.value;
}

export function clockSeconds(d: Duration): number {
  switch (d.unit) {
    case 's':
      return d.amount;
    case 'm':
      return d.amount * 60;
    case 'h':
      return d.amount * 3600;
    default:
      return d.amount * 86_400;
  }
}

/** A date moved by a day-unit duration (d, w, mo calendar; wd working days). */
export function addDayDuration(cal: WorkCalendar, date: IsoDate, d: Duration, sign: 1 | -1 = 1): IsoDate {
  switch (d.unit) {
    case 'wd':
      return addWorkingDays(cal, date, sign * d.amount);
    case 'w':
      return addDays(date, sign * 7 * d.amount);
    case 'mo':
      return addMonths(date, sign * d.amount);
    default:
      return addDays(date, sign * d.amount);
  }
}

/** The date an expression names (for a period: its first day when opening, last when due). */
function exprDate(cal: WorkCalendar, e: DateExpr, as: 'open' | 'due', anchor: Anchor): IsoDate | undefined {
  switch (e.kind) {
    case 'date':
      return e.date;
    case 'period': {
      const r = periodRange(e.year, e.month, e.part);
      return as === 'open' ? r.first : r.last;
    }
    case 'offset':
      return isDayUnit(e.offset.unit) ? addDayDuration(cal, anchor.date, e.offset) : undefined;
    case 'datetime':
      return undefined;
  }
}

export function resolveOpen(cal: WorkCalendar, text: string, anchor: Anchor): IsoInstant {
  const e = expr(text);
  if (e.kind === 'datetime') return localInstant(cal, e.date, e.time);
  if (e.kind === 'offset' && !isDayUnit(e.offset.unit))
    return addSeconds(cal, anchor.instant, clockSeconds(e.offset));
  const date = exprDate(cal, e, 'open', anchor) as IsoDate;
  // Opening on the anchor's own day means opening at the anchor (e.g. +0d of a stage that opened at 14:00).
  if (date === anchor.date) return anchor.instant;
  const day = cal.kind === 'continuous' ? date : nextWorkingDay(cal, date, true);
  const at = officeStart(cal, day);
  return ms(at) < ms(anchor.instant) ? anchor.instant : at;
}

export function dueFromDate(cal: WorkCalendar, date: IsoDate, rule: HolidayRule): IsoInstant {
  const day = cal.kind === 'continuous' ? date : shiftDeadline(cal, date, rule);
  return officeEnd(cal, day);
}

export function resolveDue(cal: WorkCalendar, text: string, anchor: Anchor, rule: HolidayRule): IsoInstant {
  const e = expr(text);
  if (e.kind === 'datetime') return localInstant(cal, e.date, e.time);
  if (e.kind === 'offset' && !isDayUnit(e.offset.unit))
    return addSeconds(cal, anchor.instant, clockSeconds(e.offset));
  return dueFromDate(cal, exprDate(cal, e, 'due', anchor) as IsoDate, rule);
}

/** `d` after the instant `from`: day units count from its local date and end at office closing (holiday rule); clock units exactly. */
export function addDurationTo(
  cal: WorkCalendar,
  from: IsoInstant,
  d: Duration,
  rule: HolidayRule,
): IsoInstant {
  if (!isDayUnit(d.unit) || cal.kind === 'continuous') return addSeconds(cal, from, clockSeconds(d));
  return dueFromDate(cal, addDayDuration(cal, localDateOf(cal, from), d), rule);
}
