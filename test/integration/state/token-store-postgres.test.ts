import { afterAll } from 'vitest';
import type pg from 'pg';
import { openPool } from '../../../db/pool.js';
import { migrateApiState } from '../../../client/api/state-migrations.js';
import { PostgresTokenStore } from '../../../client/api/token-store-postgres.js';
import { tokenStoreContract } from '../../unit/api/support/token-store-contract.js';
import { postgresForThisFile } from '../support/postgres-per-file.js';

const server = postgresForThisFile();
const pools: pg.Pool[] = [];
afterAll(async () => {
  for (const p of pools) await p.end();
});

async function pool(url: string): Promise<pg.Pool> {
  const p = openPool(url, { max: 4 });
  pools.push(p);
  await migrateApiState(p);
  return p;
}

tokenStoreContract('PostgreSQL', {
  async open(file) {
    const url = await server.createDatabase();
    const store = await PostgresTokenStore.open(await pool(url), file.campaignId);
    await store.importFile(file);
    // Another replica: its own pool on the same database.
    return { store, openAnother: async () => PostgresTokenStore.open(await pool(url), file.campaignId) };
  },
});
