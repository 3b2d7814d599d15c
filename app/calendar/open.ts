/**
 * Opens the holiday-year store from the variables that locate the delivery log (DATABASE_URL for
 * PostgreSQL, else NOTIFY_SQLITE_PATH), for the CLI and the API; and reads the stored years for
 * launch and `plan preview`, which work without any store (then no year is loaded).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadNotifyConfig } from '../../activities/notify/config.js';
import type { CalendarYearData } from '../../domain/calendar/index.js';
import { openCalendarStore } from './from-config.js';
import { calendarYearData, type CalendarStore } from './store.js';

export async function openConfiguredCalendarStore(env: NodeJS.ProcessEnv): Promise<CalendarStore> {
  const config = loadNotifyConfig({
    DATABASE_URL: env.DATABASE_URL,
    NOTIFY_SQLITE_PATH: env.NOTIFY_SQLITE_PATH,
  });
  return openCalendarStore(config);
}

/** The latest version of every stored year, as workflows receive them; none when there is no store yet. */
export async function storedCalendarYears(env: NodeJS.ProcessEnv): Promise<CalendarYearData[]> {
  const config = loadNotifyConfig({
    DATABASE_URL: env.DATABASE_URL,
    NOTIFY_SQLITE_PATH: env.NOTIFY_SQLITE_PATH,
  });
  if (!config.DATABASE_URL && !existsSync(resolve(config.NOTIFY_SQLITE_PATH))) return [];
  const store = await openCalendarStore(config);
  try {
    return (await store.latest()).map(calendarYearData);
  } finally {
    await store.close();
  }
}
