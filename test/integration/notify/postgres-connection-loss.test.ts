/**
 * The worker's PostgreSQL stores (delivery log, robot window, read model) outlive a database
 * restart: PostgreSQL ends every connection ("terminating connection due to administrator
 * command"), each idle pooled connection reports it, and the store carries on with a new one. A
 * pool without an error listener threw that as an uncaught 'error' event and the worker process
 * exited (found by the fault campaign, test/chaos: both workers died at its PostgreSQL restart).
 */
import pg from 'pg';
import { expect, it } from 'vitest';
import { openPostgresDeliveryLog } from '../../../activities/notify/log/postgres-delivery-log.js';
import { openPostgresRobotWindow } from '../../../activities/notify/log/robot-window-postgres.js';
import { openPostgresStatusStore } from '../../../activities/status/postgres-status-store.js';
import { openPool } from '../../../db/pool.js';
import { postgresForThisFile } from '../support/postgres-per-file.js';

const server = postgresForThisFile();

async function terminateOthers(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const r = await admin.query<{ n: string }>(
      `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await admin.end();
  }
}

/** The first query after the loss may meet a connection whose end was not yet read: one retry, as an activity retries. */
async function again<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch {
    return fn();
  }
}

it('the delivery log, the robot window and the read model survive their connections being cut', async () => {
  const url = await server.createDatabase();
  const log = await openPostgresDeliveryLog(url);
  const robots = await openPostgresRobotWindow(url);
  const status = await openPostgresStatusStore(url);
  try {
    const rule = { limit: 20, windowMs: 60_000 };
    expect(await log.problems()).toEqual([]);
    expect((await robots.reserve('robot-1', 1_000, rule)).kind).toBe('taken');
    expect(await status.list('c1')).toEqual([]);

    // Every pooled connection is idle now; the server ends them all.
    expect(await terminateOthers(url)).toBeGreaterThanOrEqual(3);
    // Let the pools read the end of their connections (the 'error' event that used to be uncaught).
    await new Promise((r) => setTimeout(r, 300));

    expect(await again(() => log.problems())).toEqual([]);
    expect((await again(() => robots.reserve('robot-1', 2_000, rule))).kind).toBe('taken');
    expect(await again(() => status.list('c1'))).toEqual([]);
  } finally {
    await Promise.all([log.close(), robots.close(), status.close()]);
  }
});

it('a connection cut while checked out (inside a transaction) fails its query, not the process', async () => {
  const url = await server.createDatabase();
  const reported: string[] = [];
  const pool = openPool(url, { max: 2, onError: (e) => reported.push(e.message) });
  try {
    const c = await pool.connect();
    await c.query('BEGIN');
    expect(await terminateOthers(url)).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 300));
    await expect(c.query('SELECT 1')).rejects.toThrow();
    c.release(true);
    expect(reported.some((m) => m.includes('terminating connection'))).toBe(true);
    expect((await pool.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
  } finally {
    await pool.end();
  }
});
