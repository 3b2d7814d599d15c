import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteCalendarStore } from '../../../app/calendar/sqlite-store.js';
import { calendarStoreContract } from './support/calendar-store-contract.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

calendarStoreContract('SQLite', {
  async open() {
    const dir = await mkdtemp(path.join(tmpdir(), 'calendar-store-'));
    dirs.push(dir);
    // The delivery log's file: the holiday years live beside it.
    const file = path.join(dir, 'notify.sqlite');
    return {
      store: openSqliteCalendarStore(file),
      openAnother: () => Promise.resolve(openSqliteCalendarStore(file)),
    };
  },
});
