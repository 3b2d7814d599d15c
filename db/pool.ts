/**
 * One PostgreSQL pool per process for the application's own state (tokens, progress, uploads).
 * A connection that PostgreSQL drops (a restart, a failover), idle or checked out, is reported,
 * not fatal: the pool opens a new one for the next query.
 */
import pg from 'pg';

export interface PoolOptions {
  max?: number;
  onError?: (e: Error) => void;
}

export function openPool(connectionString: string, o: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: o.max ?? 10, connectionTimeoutMillis: 10_000 });
  const report =
    o.onError ?? ((err: Error) => console.warn(`PostgreSQL 连接出错（将自动重连）：${err.message}`));
  pool.on('error', report);
  // A connection ended while checked out (between the queries of a transaction, when PostgreSQL
  // restarts) emits 'error' on the client itself, which the pool does not listen to then: without
  // this the process died of an uncaught 'error' event. The query in progress or the next one fails
  // and its caller (an activity) retries.
  pool.on('connect', (client) => client.on('error', report));
  return pool;
}

/** The URL with its password replaced, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const result = await fn(c);
    await c.query('COMMIT');
    return result;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}
