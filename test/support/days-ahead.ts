/**
 * `TEST_DAYS_AHEAD=N` runs the suite as if today were N days later: the time-skipping harness
 * skips its server's clock N days forward before a test starts anything, and dev-server tests
 * rehearse their compressed campaigns as if they started N days from now. Expectations must come
 * from the calendar rules, never from "today", so every offset has to pass.
 */
export const DAY_MS = 86_400_000;

export function testDaysAhead(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TEST_DAYS_AHEAD;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 3650)
    throw new Error(`TEST_DAYS_AHEAD 须为 0–3650 的整数天数，收到「${raw}」`);
  return n;
}

/**
 * The activities' clock on a dev-server run (quiet hours, working-day checks, claim leases): the
 * wall clock moved `TEST_DAYS_AHEAD` days forward. The dev server's own clock cannot be moved,
 * which is why dev-server tests run plans on continuous calendars with offsets in seconds.
 */
export function daysAheadClock(days = testDaysAhead()): { now(): Date } {
  return { now: () => new Date(Date.now() + days * DAY_MS) };
}
