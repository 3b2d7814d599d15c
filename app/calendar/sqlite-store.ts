import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HolidayYear } from '../../domain/calendar/index.js';
import {
  CALENDAR_SCHEMA,
  calendarYearHash,
  fromCalendarRow,
  latestOfEach,
  toCalendarRow,
  type CalendarStore,
  type CalendarYearRow,
} from './store.js';

/** The embedded default, in the delivery log's file. */
export function openSqliteCalendarStore(path: string): CalendarStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  for (const sql of CALENDAR_SCHEMA) db.exec(sql);
  const top = db.prepare<[number], CalendarYearRow>(
    'SELECT * FROM calendar_year WHERE year = ? ORDER BY version DESC LIMIT 1',
  );
  const insert = db.prepare(
    `INSERT INTO calendar_year (year, version, hash, source, added_by, added_at, content)
     VALUES (@year, @version, @hash, @source, @added_by, @added_at, @content)`,
  );
  const all = db.prepare<[], CalendarYearRow>('SELECT * FROM calendar_year ORDER BY year, version DESC');
  // One transaction: two adds of the same year at once cannot take the same version.
  const add = db.transaction((y: HolidayYear, by: string, at: string) => {
    const last = top.get(y.year);
    if (last && last.hash === calendarYearHash(y))
      return { added: false as const, stored: fromCalendarRow(last) };
    const row = toCalendarRow(y, (last ? Number(last.version) : 0) + 1, by, at);
    insert.run(row);
    return { added: true as const, stored: fromCalendarRow(row) };
  });
  const run = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return {
    add: (y, by, at) => run(() => add.immediate(y, by, at)),
    latest: () => run(() => latestOfEach(all.all().map(fromCalendarRow))),
    history: () => run(() => all.all().map(fromCalendarRow)),
    close: () => run(() => void db.close()),
  };
}
