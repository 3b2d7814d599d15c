import { randomUUID } from 'node:crypto';
import {
  decideSlot,
  ROBOT_WINDOW_SCHEMA,
  SLOT_RETENTION_MS,
  type RobotSlot,
  type RobotWindowStore,
} from './robot-window.js';
import { openPool } from '../../../db/pool.js';

/** First key of the advisory locks; the second is the robot id's hash (a collision only serialises two robots). */
const LOCK_CLASS = 7215502;
const SCHEMA_LOCK = 7215503;

/**
 * The shared window in PostgreSQL (DATABASE_URL), for workers on several hosts. A reservation takes
 * a transaction-scoped advisory lock keyed by the robot id, so reservations for one robot run one
 * after another and each sees the slots the previous one committed (READ COMMITTED takes a new
 * snapshot per statement). Times come from the workers' clocks: keep them NTP-synchronised — the
 * default 61 s window leaves one second for skew.
 */
export async function openPostgresRobotWindow(connectionString: string): Promise<RobotWindowStore> {
  const pool = openPool(connectionString, { max: 4 });
  const setup = await pool.connect();
  try {
    await setup.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
    for (const sql of ROBOT_WINDOW_SCHEMA) await setup.query(sql);
    await setup.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]);
  } finally {
    setup.release();
  }
  let prunedAllAt = -Infinity;

  const toSlot = (r: { slot_id: string; at_ms: string; weight: number }): RobotSlot => ({
    slotId: r.slot_id,
    at: Number(r.at_ms),
    weight: Number(r.weight),
  });

  return {
    async reserve(robotId, now, rule) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, robotId]);
        // Pruning and reading in one statement: the SELECT does not see the CTE's deletions, hence the filter.
        const res = await c.query<{ slot_id: string; at_ms: string; weight: number }>(
          `WITH pruned AS (DELETE FROM notify_robot_slot WHERE robot_id = $1 AND at_ms <= $2)
           SELECT slot_id, at_ms, weight FROM notify_robot_slot WHERE robot_id = $1 AND at_ms > $2`,
          [robotId, now - rule.windowMs],
        );
        const d = decideSlot(res.rows.map(toSlot), rule);
        if (d.kind === 'wait') {
          await c.query('COMMIT');
          return d;
        }
        const slotId = randomUUID();
        await c.query(
          'INSERT INTO notify_robot_slot (slot_id, robot_id, at_ms, weight) VALUES ($1, $2, $3, 1)',
          [slotId, robotId, now],
        );
        await c.query('COMMIT');
        if (now - prunedAllAt > 60_000) {
          prunedAllAt = now;
          // Outside the robot's lock: robots nobody writes to any more, swept now and then.
          // Its failure must not turn a taken slot into an error.
          await c
            .query('DELETE FROM notify_robot_slot WHERE at_ms <= $1', [now - SLOT_RETENTION_MS])
            .catch(() => undefined);
        }
        return { kind: 'taken', slotId };
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    },
    async complete(robotId, slotId, at) {
      await pool.query(
        `INSERT INTO notify_robot_slot (slot_id, robot_id, at_ms, weight) VALUES ($1, $2, $3, 1)
         ON CONFLICT (slot_id) DO UPDATE SET at_ms = GREATEST(notify_robot_slot.at_ms, excluded.at_ms)`,
        [slotId, robotId, at],
      );
    },
    async block(robotId, at, rule) {
      await pool.query(
        'INSERT INTO notify_robot_slot (slot_id, robot_id, at_ms, weight) VALUES ($1, $2, $3, $4)',
        [randomUUID(), robotId, at, rule.limit],
      );
    },
    async slots(robotId) {
      const res = await pool.query<{ slot_id: string; at_ms: string; weight: number }>(
        'SELECT slot_id, at_ms, weight FROM notify_robot_slot WHERE robot_id = $1 ORDER BY at_ms, slot_id',
        [robotId],
      );
      return res.rows.map(toSlot);
    },
    close: () => pool.end(),
  };
}
