import { resolve } from 'node:path';
import { openPostgresCalendarStore } from './postgres-store.js';
import { openSqliteCalendarStore } from './sqlite-store.js';
import type { CalendarStore } from './store.js';

/** Beside the delivery log and the read model: DATABASE_URL, else the SQLite file NOTIFY_SQLITE_PATH. */
export async function openCalendarStore(where: {
  DATABASE_URL?: string | undefined;
  NOTIFY_SQLITE_PATH: string;
}): Promise<CalendarStore> {
  return where.DATABASE_URL
    ? openPostgresCalendarStore(where.DATABASE_URL)
    : openSqliteCalendarStore(resolve(where.NOTIFY_SQLITE_PATH));
}
