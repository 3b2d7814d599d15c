import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';
import { STATUS_SCHEMA, toRow } from '../../../activities/status/status-store.js';
import { escalation, task, unitRecord } from './support/board-fixtures.js';
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

describe('SQLite: a read model from before the board', () => {
  it('gets the group_name column and its board rows when a store opens it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'status-store-old-'));
    dirs.push(dir);
    const file = path.join(dir, 'notify.sqlite');
    // The table as the first release created it, with one unit published then.
    const old = new Database(file);
    old.exec(STATUS_SCHEMA[0]!.replace('group_name TEXT,', ''));
    const row = toRow(
      unitRecord('u1', {
        tasks: [task('t1', { escalationLevel: 3 })],
        openEscalations: [escalation('t1', 3)],
      }),
    );
    const { group_name: _dropped, ...columns } = row;
    old
      .prepare(
        `INSERT INTO unit_status (${Object.keys(columns).join(', ')}) VALUES (${Object.keys(columns)
          .map((c) => `@${c}`)
          .join(', ')})`,
      )
      .run(columns);
    old.close();
    const store = openSqliteStatusStore(file);
    try {
      expect((await store.get('c1', 'u1'))?.groupName).toBeUndefined();
      const esc = await store.boardEscalations({ campaignId: 'c1' }, { limit: 10, offset: 0 });
      expect(esc.items.map((e) => [e.unitId, e.level])).toEqual([['u1', 3]]);
      expect((await store.boardSummary({ campaignId: 'c1' }, '2009-09-20T00:00:00.000Z')).rag.red).toBe(1);
      expect(await store.publish({ ...unitRecord('u1', { seq: 2 }), groupName: '第一指导组' })).toBe(
        'stored',
      );
      expect((await store.get('c1', 'u1'))?.groupName).toBe('第一指导组');
      expect((await store.boardEscalations({ campaignId: 'c1' }, { limit: 10, offset: 0 })).total).toBe(0);
    } finally {
      await store.close();
    }
  });
});
