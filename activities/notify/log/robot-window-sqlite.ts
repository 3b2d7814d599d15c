import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  decideSlot,
  ROBOT_WINDOW_SCHEMA,
  SLOT_RETENTION_MS,
  type RobotSlot,
  type RobotWindowStore,
  type SlotReservation,
} from './robot-window.js';

interface SlotRow {
  slot_id: string;
  at_ms: number;
  weight: number;
}

/**
 * The shared window in the delivery log's SQLite file, so every worker on the host sees the same
 * slots. Reservations run under BEGIN IMMEDIATE (one writer at a time across processes). Its own
 * connection with synchronous=NORMAL: a slot lost to a power cut costs at most one request over the
 * limit, not worth an fsync per robot message.
 */
export function openSqliteRobotWindow(path: string): RobotWindowStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  for (const sql of ROBOT_WINDOW_SCHEMA) db.exec(sql);

  const pruneRobot = db.prepare('DELETE FROM notify_robot_slot WHERE robot_id = ? AND at_ms <= ?');
  const pruneAll = db.prepare('DELETE FROM notify_robot_slot WHERE at_ms <= ?');
  const live = db.prepare<[string], SlotRow>(
    'SELECT slot_id, at_ms, weight FROM notify_robot_slot WHERE robot_id = ? ORDER BY at_ms, rowid',
  );
  const insert = db.prepare(
    'INSERT INTO notify_robot_slot (slot_id, robot_id, at_ms, weight) VALUES (?, ?, ?, ?)',
  );
  const stamp = db.prepare(
    `INSERT INTO notify_robot_slot (slot_id, robot_id, at_ms, weight) VALUES (?, ?, ?, 1)
     ON CONFLICT (slot_id) DO UPDATE SET at_ms = MAX(at_ms, excluded.at_ms)`,
  );
  let prunedAllAt = -Infinity;

  const reserveTx = db.transaction(
    (robotId: string, now: number, limit: number, windowMs: number): SlotReservation => {
      pruneRobot.run(robotId, now - windowMs);
      // Robots nobody writes to any more: swept now and then, not on every request.
      if (now - prunedAllAt > 60_000) {
        pruneAll.run(now - SLOT_RETENTION_MS);
        prunedAllAt = now;
      }
      const d = decideSlot(
        live.all(robotId).map((r) => ({ at: Number(r.at_ms), weight: r.weight })),
        { limit, windowMs },
      );
      if (d.kind === 'wait') return d;
      const slotId = randomUUID();
      insert.run(slotId, robotId, now, 1);
      return { kind: 'taken', slotId };
    },
  );

  const settle = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };

  return {
    reserve: (robotId, now, rule) =>
      settle(() => reserveTx.immediate(robotId, now, rule.limit, rule.windowMs)),
    complete: (robotId, slotId, at) => settle(() => void stamp.run(slotId, robotId, at)),
    block: (robotId, at, rule) => settle(() => void insert.run(randomUUID(), robotId, at, rule.limit)),
    slots: (robotId) =>
      settle(() =>
        live
          .all(robotId)
          .map((r): RobotSlot => ({ slotId: r.slot_id, at: Number(r.at_ms), weight: r.weight })),
      ),
    close: () => settle(() => void db.close()),
  };
}
