/**
 * The robots' rate window shared by every worker that sends to them: DingTalk and WeCom count
 * requests per robot (webhook), not per worker, so the times of recent requests live next to the
 * delivery log (the SQLite file on one host, or PostgreSQL) and each request reserves a slot first.
 */

export interface RobotWindowRule {
  /** Requests allowed per window (providers: 20). */
  limit: number;
  windowMs: number;
}

export type SlotReservation = { kind: 'taken'; slotId: string } | { kind: 'wait'; until: number };

export interface RobotSlot {
  slotId: string;
  /** Epoch ms the slot counts from. */
  at: number;
  /** 1 for a request; `limit` for a provider block, so one row fills the whole window. */
  weight: number;
}

export interface RobotWindowStore {
  /**
   * Atomically across workers: drop this robot's slots older than the window, then either record a
   * slot at `now` (the caller may send one request) or say when the next slot frees up.
   */
  reserve(robotId: string, now: number, rule: RobotWindowRule): Promise<SlotReservation>;
  /**
   * The request that used the slot has its reply at `at`. The provider counted it no later than that,
   * so the slot counts from then (never earlier than it already did); a slot pruned meanwhile is put back.
   */
  complete(robotId: string, slotId: string, at: number): Promise<void>;
  /** The provider answered "too fast" at `at`: nobody sends to this robot for a whole window. */
  block(robotId: string, at: number, rule: RobotWindowRule): Promise<void>;
  /** The robot's slots still stored, oldest first (inspection and tests). */
  slots(robotId: string): Promise<RobotSlot[]>;
  close(): Promise<void>;
}

/** Slots of other robots are kept at most this long (the longest window the configuration allows). */
export const SLOT_RETENTION_MS = 3_600_000;

export const ROBOT_WINDOW_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS notify_robot_slot (
    slot_id TEXT PRIMARY KEY,
    robot_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    weight INTEGER NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS notify_robot_slot_robot ON notify_robot_slot (robot_id, at_ms)`,
  `CREATE INDEX IF NOT EXISTS notify_robot_slot_at ON notify_robot_slot (at_ms)`,
];

/**
 * Given the robot's slots inside the window (at > now - windowMs), whether a request may go now,
 * else the instant enough weight has left the window for one more.
 */
export function decideSlot(
  live: readonly { at: number; weight: number }[],
  rule: RobotWindowRule,
): { kind: 'free' } | { kind: 'wait'; until: number } {
  let held = live.reduce((n, s) => n + s.weight, 0);
  if (held < rule.limit) return { kind: 'free' };
  const oldestFirst = [...live].sort((a, b) => a.at - b.at);
  for (const s of oldestFirst) {
    held -= s.weight;
    if (held < rule.limit) return { kind: 'wait', until: s.at + rule.windowMs };
  }
  return { kind: 'free' }; // not reached: held ends at 0, below any limit
}
