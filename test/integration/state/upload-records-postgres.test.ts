import { PostgresUploadRecords } from '../../../client/api/upload-records-postgres.js';
import { uploadRecordsContract } from '../../unit/api/support/upload-records-contract.js';
import { apiStatePools, postgresForThisFile } from '../support/postgres-per-file.js';

const server = postgresForThisFile();
const pool = apiStatePools(2);

uploadRecordsContract('PostgreSQL', {
  async open() {
    const url = await server.createDatabase();
    return {
      records: new PostgresUploadRecords(await pool(url)),
      reopen: async () => new PostgresUploadRecords(await pool(url)),
    };
  },
});
