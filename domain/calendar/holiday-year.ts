/**
 * One year of the 国务院办公厅 holiday arrangement (放假 days and 调休上班 days), as the office
 * loads it (`campaign calendar add`, holiday-file.ts) and as running workflows receive it.
 * Zod-free and import-free: workflow code merges these into its calendar.
 */
import type { DayOverride } from './cn-overrides.js';
import type { IsoDate } from './dates.js';

export interface HolidayYear {
  readonly year: number;
  /** The notice it copies, e.g. 国务院办公厅关于2027年部分节假日安排的通知. */
  readonly source: string;
  readonly holidays: readonly { readonly name: string; readonly days: readonly IsoDate[] }[];
  /** 调休上班: a Saturday or Sunday that is a working day. */
  readonly workdays: readonly { readonly name: string; readonly date: IsoDate }[];
}

/**
 * What a running workflow carries of one stored year: its dates only (a few dozen entries), the
 * store's version and content hash (the same year sent twice changes nothing).
 */
export interface CalendarYearData {
  readonly year: number;
  readonly version: number;
  readonly hash: string;
  readonly source: string;
  readonly days: readonly DayOverride[];
}

/** The year's days as calendar overrides, by date: holidays not working, 调休 days working. */
export function holidayYearDays(y: HolidayYear): DayOverride[] {
  const out: DayOverride[] = [];
  for (const h of y.holidays) for (const d of h.days) out.push({ date: d, working: false, note: h.name });
  for (const w of y.workdays) out.push({ date: w.date, working: true, note: w.name });
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** Every stored year's days, later years' entries after earlier ones (years do not overlap). */
export function calendarYearsDays(years: readonly CalendarYearData[] | undefined): DayOverride[] {
  return [...(years ?? [])].sort((a, b) => a.year - b.year).flatMap((y) => y.days);
}
