import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { migrateApiState } from '../../../client/api/state-migrations.js';
import { openPool } from '../../../db/pool.js';
import { startEphemeralPostgres, type EphemeralPostgres } from '../../../toolchain/postgres.js';

/**
 * One throw-away PostgreSQL server for the calling test file; each test asks it for a fresh database.
 * No skip when PostgreSQL is missing: startEphemeralPostgres fails with the reason (binaries,
 * privileges), and the suite fails with it.
 */
export function postgresForThisFile(): { createDatabase(): Promise<string> } {
  let server: EphemeralPostgres | undefined;
  beforeAll(async () => {
    server = await startEphemeralPostgres({
      onLog: (line) => /ERROR|FATAL|PANIC/.test(line) && process.stderr.write(`[postgres] ${line}\n`),
    });
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    createDatabase() {
      if (!server) throw new Error('PostgreSQL is not running: createDatabase() was called outside a test');
      return server.createDatabase();
    },
  };
}

/**
 * Pools on the API's state database, each migrated when opened and all ended after the file: one
 * pool is one API replica.
 */
export function apiStatePools(max: number): (url: string) => Promise<pg.Pool> {
  const pools: pg.Pool[] = [];
  afterAll(async () => {
    for (const p of pools) await p.end();
  });
  return async (url) => {
    const p = openPool(url, { max });
    pools.push(p);
    await migrateApiState(p);
    return p;
  };
}
