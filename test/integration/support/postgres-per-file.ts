import { afterAll, beforeAll } from 'vitest';
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
