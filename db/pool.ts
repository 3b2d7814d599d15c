/**
 * One PostgreSQL pool per process for the application's own state (tokens, progress, uploads).
 * An idle connection that PostgreSQL drops (a restart, a failover) is reported, not fatal: the
 * pool opens a new one for the next query.
 */
import pg from 'pg';

export interface PoolOptions {
  max?: number;
  onError?: (e: Error) => void;
}

export function openPool(connectionString: string, o: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: o.max ?? 10, connectionTimeoutMillis: 10_000 });
  pool.on('error', (e) =>
    (o.onError ?? ((err: Error) => console.warn(`PostgreSQL 空闲连接出错（将自动重连）：${err.message}`)))(e),
  );
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
