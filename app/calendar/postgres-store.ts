import pg from 'pg';
import { migrate, type Migration } from '../../db/migrate.js';
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

/** Released migrations are never edited: add a new one. */
export const CALENDAR_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '节假日安排（按年、按版本）', statements: CALENDAR_SCHEMA },
];

/** Used when DATABASE_URL is set: every API process and CLI reads the same years. */
export async function openPostgresCalendarStore(connectionString: string): Promise<CalendarStore> {
  const pool = new pg.Pool({ connectionString, max: 4 });
  await migrate(pool, 'calendar', CALENDAR_MIGRATIONS);
  const rows = async () =>
    (await pool.query<CalendarYearRow>('SELECT * FROM calendar_year ORDER BY year, version DESC')).rows.map(
      fromCalendarRow,
    );
  return {
    async add(y: HolidayYear, by: string, at: string) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        // Two adds of the same year at once take turns: versions stay 1, 2, 3 without gaps.
        await c.query('SELECT pg_advisory_xact_lock(7215610, $1)', [y.year]);
        const last = (
          await c.query<CalendarYearRow>(
            'SELECT * FROM calendar_year WHERE year = $1 ORDER BY version DESC LIMIT 1',
            [y.year],
          )
        ).rows[0];
        if (last && last.hash === calendarYearHash(y)) {
          await c.query('COMMIT');
          return { added: false as const, stored: fromCalendarRow(last) };
        }
        const row = toCalendarRow(y, (last ? Number(last.version) : 0) + 1, by, at);
        await c.query(
          `INSERT INTO calendar_year (year, version, hash, source, added_by, added_at, content)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [row.year, row.version, row.hash, row.source, row.added_by, row.added_at, row.content],
        );
        await c.query('COMMIT');
        return { added: true as const, stored: fromCalendarRow(row) };
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    },
    latest: async () => latestOfEach(await rows()),
    history: rows,
    close: () => pool.end(),
  };
}
