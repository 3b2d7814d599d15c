/**
 * Versioned schema migrations for the PostgreSQL stores. Each component (the API's state, the
 * delivery log, …) owns an ordered list of migrations; `migrate` applies the ones a database lacks,
 * each in its own transaction, and records them in `schema_migration`. Processes starting together
 * (two API replicas, two workers) take turns on an advisory lock, so each migration runs once.
 * A recorded migration whose SQL has since changed is refused: a released migration is never
 * edited, a new one is added.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

export interface Migration {
  /** 1, 2, 3, … without gaps, in the order they apply. */
  version: number;
  /** What it does, for people reading `schema_migration`. */
  name: string;
  statements: readonly string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Any key, as long as every process uses the same one; distinct from the stores' own locks. */
const MIGRATION_LOCK = 7215400;

const checksum = (m: Migration) => createHash('sha256').update(m.statements.join('\n;\n')).digest('hex');

function checkOrder(component: string, migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new MigrationError(`${component} 的迁移版本应从 1 起连续编号，第 ${i + 1} 个却是 ${m.version}`);
  });
}

export interface MigrateResult {
  applied: number[];
  current: number;
}

export async function migrate(
  pool: pg.Pool,
  component: string,
  migrations: readonly Migration[],
): Promise<MigrateResult> {
  checkOrder(component, migrations);
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await c.query(`CREATE TABLE IF NOT EXISTS schema_migration (
        component TEXT NOT NULL,
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        checksum TEXT NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (component, version)
      )`);
      const done = await c.query<{ version: number; checksum: string }>(
        'SELECT version, checksum FROM schema_migration WHERE component = $1 ORDER BY version',
        [component],
      );
      const known = new Map(done.rows.map((r) => [Number(r.version), r.checksum]));
      const newest = Math.max(0, ...known.keys());
      if (newest > migrations.length) {
        throw new MigrationError(
          `数据库中 ${component} 的表结构版本为 ${newest}，比本程序认识的版本 ${migrations.length} 新：请升级程序，不要用旧版本连接新数据库`,
        );
      }
      const applied: number[] = [];
      for (const m of migrations) {
        const recorded = known.get(m.version);
        if (recorded !== undefined) {
          if (recorded !== checksum(m))
            throw new MigrationError(
              `${component} 的第 ${m.version} 个迁移（${m.name}）与数据库中记录的不一致：已发布的迁移不能修改，请新增一个迁移`,
            );
          continue;
        }
        await c.query('BEGIN');
        try {
          for (const sql of m.statements) await c.query(sql);
          await c.query(
            'INSERT INTO schema_migration (component, version, name, checksum) VALUES ($1, $2, $3, $4)',
            [component, m.version, m.name, checksum(m)],
          );
          await c.query('COMMIT');
        } catch (e) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw new MigrationError(
            `${component} 的第 ${m.version} 个迁移（${m.name}）失败：${(e as Error).message}`,
            { cause: e },
          );
        }
        applied.push(m.version);
      }
      return { applied, current: migrations.length };
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    c.release();
  }
}
