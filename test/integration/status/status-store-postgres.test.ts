import { openPostgresStatusStore } from '../../../activities/status/postgres-status-store.js';
import { statusStoreContract } from '../../unit/status/support/status-store-contract.js';
import { postgresForThisFile } from '../support/postgres-per-file.js';

const server = postgresForThisFile();

statusStoreContract('PostgreSQL', {
  async open() {
    const url = await server.createDatabase();
    return { store: await openPostgresStatusStore(url), openAnother: () => openPostgresStatusStore(url) };
  },
});
