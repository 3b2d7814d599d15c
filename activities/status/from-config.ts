import { resolve } from 'node:path';
import { openPostgresStatusStore } from './postgres-status-store.js';
import { openSqliteStatusStore } from './sqlite-status-store.js';
import type { StatusStore } from './status-store.js';

/** Where the read model lives: beside the delivery log (DATABASE_URL, else the SQLite file NOTIFY_SQLITE_PATH). */
export interface StatusStoreLocation {
  DATABASE_URL?: string | undefined;
  NOTIFY_SQLITE_PATH: string;
}

export async function openStatusStore(where: StatusStoreLocation): Promise<StatusStore> {
  return where.DATABASE_URL
    ? openPostgresStatusStore(where.DATABASE_URL)
    : openSqliteStatusStore(resolve(where.NOTIFY_SQLITE_PATH));
}
