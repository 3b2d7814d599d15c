import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';
import { statusStoreContract } from './support/status-store-contract.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

statusStoreContract('SQLite', {
  async open() {
    const dir = await mkdtemp(path.join(tmpdir(), 'status-store-'));
    dirs.push(dir);
    // The file the delivery log uses: the read model lives beside it.
    const file = path.join(dir, 'notify.sqlite');
    return {
      store: openSqliteStatusStore(file),
      openAnother: () => Promise.resolve(openSqliteStatusStore(file)),
    };
  },
});
