/**
 * The holiday years the office loaded (`campaign calendar add`, the console), versioned: each add
 * of a different file for a year makes a new version (who, when, which notice, content hash); the
 * same content again is no new version. Kept beside the delivery log and the read model (the
 * SQLite file, or PostgreSQL when DATABASE_URL is set); one contract suite for both.
 */
import { createHash } from 'node:crypto';
import { holidayYearDays, type CalendarYearData, type HolidayYear } from '../../domain/calendar/index.js';

export interface StoredCalendarYear {
  year: number;
  version: number;
  /** sha256:… of the year's canonical content (dates, working, names, source). */
  hash: string;
  source: string;
  addedBy: string;
  /** UTC ISO. */
  addedAt: string;
  content: HolidayYear;
}

export type AddOutcome =
  { added: true; stored: StoredCalendarYear } | { added: false; stored: StoredCalendarYear };

export interface CalendarStore {
  /** Stores the year as its next version, unless its latest version has the same content. */
  add(year: HolidayYear, addedBy: string, addedAt: string): Promise<AddOutcome>;
  /** The latest version of every year, by year. */
  latest(): Promise<StoredCalendarYear[]>;
  /** Every version, newest first within each year. */
  history(): Promise<StoredCalendarYear[]>;
  close(): Promise<void>;
}

export function calendarYearHash(y: HolidayYear): string {
  const canonical = JSON.stringify({ year: y.year, source: y.source, days: holidayYearDays(y) });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** What a workflow receives of a stored year: its dates only. */
export function calendarYearData(s: StoredCalendarYear): CalendarYearData {
  return {
    year: s.year,
    version: s.version,
    hash: s.hash,
    source: s.source,
    days: holidayYearDays(s.content),
  };
}

export const CALENDAR_YEAR_COLUMNS = [
  'year',
  'version',
  'hash',
  'source',
  'added_by',
  'added_at',
  'content',
] as const;

/** Same statement for SQLite and PostgreSQL (PostgreSQL applies it as migration 1). */
export const CALENDAR_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS calendar_year (
     year INTEGER NOT NULL,
     version INTEGER NOT NULL,
     hash TEXT NOT NULL,
     source TEXT NOT NULL,
     added_by TEXT NOT NULL,
     added_at TEXT NOT NULL,
     content TEXT NOT NULL,
     PRIMARY KEY (year, version)
   )`,
];

export interface CalendarYearRow {
  year: number;
  version: number;
  hash: string;
  source: string;
  added_by: string;
  added_at: string;
  content: string;
}

export function fromCalendarRow(r: CalendarYearRow): StoredCalendarYear {
  return {
    year: Number(r.year),
    version: Number(r.version),
    hash: r.hash,
    source: r.source,
    addedBy: r.added_by,
    addedAt: r.added_at,
    content: JSON.parse(r.content) as HolidayYear,
  };
}

export function toCalendarRow(
  y: HolidayYear,
  version: number,
  addedBy: string,
  addedAt: string,
): CalendarYearRow {
  return {
    year: y.year,
    version,
    hash: calendarYearHash(y),
    source: y.source,
    added_by: addedBy,
    added_at: addedAt,
    content: JSON.stringify(y),
  };
}

/** The latest row of each year from rows ordered by year, then version descending. */
export function latestOfEach(rows: readonly StoredCalendarYear[]): StoredCalendarYear[] {
  const out: StoredCalendarYear[] = [];
  for (const r of rows) if (!out.some((o) => o.year === r.year)) out.push(r);
  return out;
}

/** The latest version of every stored year, as workflows receive them (for launch and preview). */
export const calendarYearsOf = (store: CalendarStore) => async (): Promise<CalendarYearData[]> =>
  (await store.latest()).map(calendarYearData);
