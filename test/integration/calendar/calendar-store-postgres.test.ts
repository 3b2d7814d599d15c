import { openPostgresCalendarStore } from '../../../app/calendar/postgres-store.js';
import { calendarStoreContract } from '../../unit/calendar/support/calendar-store-contract.js';
import { postgresForThisFile } from '../support/postgres-per-file.js';

const server = postgresForThisFile();

calendarStoreContract('PostgreSQL', {
  async open() {
    const url = await server.createDatabase();
    return { store: await openPostgresCalendarStore(url), openAnother: () => openPostgresCalendarStore(url) };
  },
});
