import type pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { migrate, MigrationError, type Migration } from '../../../db/migrate.js';
import { openPool } from '../../../db/pool.js';
import { postgresForThisFile } from '../support/postgres-per-file.js';

const server = postgresForThisFile();
const pools: pg.Pool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.end();
});
const open = async () => {
  const p = openPool(await server.createDatabase(), { max: 3 });
  pools.push(p);
  return p;
};

const v1: Migration = { version: 1, name: 'table', statements: ['CREATE TABLE thing (id TEXT PRIMARY KEY)'] };
const v2: Migration = { version: 2, name: 'column', statements: ['ALTER TABLE thing ADD COLUMN note TEXT'] };

it('applies each migration once, in order, recording it; a later start applies only the new ones', async () => {
  const p = await open();
  expect(await migrate(p, 'demo', [v1])).toEqual({ applied: [1], current: 1 });
  expect(await migrate(p, 'demo', [v1])).toEqual({ applied: [], current: 1 });
  expect(await migrate(p, 'demo', [v1, v2])).toEqual({ applied: [2], current: 2 });
  await p.query(`INSERT INTO thing (id, note) VALUES ('a', 'b')`);
  const rows = await p.query<{ version: number; name: string }>(
    `SELECT version, name FROM schema_migration WHERE component = 'demo' ORDER BY version`,
  );
  expect(rows.rows).toEqual([
    { version: 1, name: 'table' },
    { version: 2, name: 'column' },
  ]);
});

it('processes starting together run each migration once', async () => {
  const p = await open();
  const results = await Promise.all([
    migrate(p, 'demo', [v1, v2]),
    migrate(p, 'demo', [v1, v2]),
    migrate(p, 'demo', [v1, v2]),
  ]);
  expect(results.flatMap((r) => r.applied).sort()).toEqual([1, 2]);
});

it('refuses an edited migration, a newer database, and a failing migration leaves nothing half-done', async () => {
  const p = await open();
  await migrate(p, 'demo', [v1]);
  await expect(
    migrate(p, 'demo', [{ ...v1, statements: ['CREATE TABLE thing (id INTEGER)'] }]),
  ).rejects.toThrow(/已发布的迁移不能修改/);
  await migrate(p, 'demo', [v1, v2]);
  await expect(migrate(p, 'demo', [v1])).rejects.toThrow(/请升级程序/);
  const bad: Migration = {
    version: 3,
    name: 'broken',
    statements: ['ALTER TABLE thing ADD COLUMN extra TEXT', 'SELECT no_such_function()'],
  };
  await expect(migrate(p, 'demo', [v1, v2, bad])).rejects.toBeInstanceOf(MigrationError);
  const cols = await p.query(
    `SELECT column_name FROM information_schema.columns WHERE table_name = 'thing' ORDER BY column_name`,
  );
  expect(cols.rows.map((r: { column_name: string }) => r.column_name)).toEqual(['id', 'note']);
  await expect(migrate(p, 'demo', [v2])).rejects.toThrow(/连续编号/);
});
