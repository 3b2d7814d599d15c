import type pg from 'pg';
import { afterAll } from 'vitest';
import { migrateApiState } from '../../../client/api/state-migrations.js';
import { PostgresUploadRecords } from '../../../client/api/upload-records-postgres.js';
import { openPool } from '../../../db/pool.js';
import { uploadRecordsContract } from '../../unit/api/support/upload-records-contract.js';
import { postgresForThisFile } from '../support/postgres-per-file.js';

const server = postgresForThisFile();
const pools: pg.Pool[] = [];
afterAll(async () => {
  for (const p of pools) await p.end();
});
async function pool(url: string): Promise<pg.Pool> {
  const p = openPool(url, { max: 2 });
  pools.push(p);
  await migrateApiState(p);
  return p;
}

uploadRecordsContract('PostgreSQL', {
  async open() {
    const url = await server.createDatabase();
    return {
      records: new PostgresUploadRecords(await pool(url)),
      reopen: async () => new PostgresUploadRecords(await pool(url)),
    };
  },
});
