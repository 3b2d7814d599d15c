import { PostgresTokenStore } from '../../../client/api/token-store-postgres.js';
import { tokenStoreContract } from '../../unit/api/support/token-store-contract.js';
import { apiStatePools, postgresForThisFile } from '../support/postgres-per-file.js';

const server = postgresForThisFile();
const pool = apiStatePools(4);

tokenStoreContract('PostgreSQL', {
  async open(file) {
    const url = await server.createDatabase();
    const store = await PostgresTokenStore.open(await pool(url), file.campaignId);
    await store.importFile(file);
    // Another replica: its own pool on the same database.
    return { store, openAnother: async () => PostgresTokenStore.open(await pool(url), file.campaignId) };
  },
});
