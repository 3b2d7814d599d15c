import { expect, it } from 'vitest';
import { PostgresProgressHistory } from '../../../app/progress-history-postgres.js';
import { overviewOf, progressHistoryContract } from '../../unit/api/support/progress-history-contract.js';
import { apiStatePools, postgresForThisFile } from '../support/postgres-per-file.js';

const server = postgresForThisFile();
const pool = apiStatePools(4);

progressHistoryContract('PostgreSQL', {
  async open(o) {
    const url = await server.createDatabase();
    return {
      store: new PostgresProgressHistory(await pool(url), o),
      reopen: async () => new PostgresProgressHistory(await pool(url), o),
    };
  },
});

// PostgreSQL-specific: two replicas share one curve and one interval, even when they sample at once.
it('two API replicas record one sample per interval between them and read the same curve', async () => {
  const url = await server.createDatabase();
  let t = Date.parse('2009-09-15T01:00:00Z');
  const [a, b] = [
    new PostgresProgressHistory(await pool(url), { intervalMs: 60_000, now: () => t }),
    new PostgresProgressHistory(await pool(url), { intervalMs: 60_000, now: () => t }),
  ];
  const first = await Promise.all([
    a.record('c', overviewOf(1)),
    b.record('c', overviewOf(1)),
    a.record('c', overviewOf(1)),
    b.record('c', overviewOf(1)),
  ]);
  expect(first.filter(Boolean)).toHaveLength(1);
  t += 60_000;
  expect(await b.record('c', overviewOf(2))).toBe(true);
  expect(await a.record('c', overviewOf(3))).toBe(false);
  expect(await a.samples('c')).toEqual(await b.samples('c'));
  expect((await a.samples('c')).map((s) => s.byStage.study)).toEqual([1, 2]);
});
