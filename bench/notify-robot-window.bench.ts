/**
 * Cost of the robots' shared rate window: one slot reservation (and the stamp after the reply) on
 * SQLite and on PostgreSQL, sequential (its cost on a request's path) and from two handles at once
 * (two workers). Run: npm run bench notify-robot [count]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RobotWindowStore } from '../activities/notify/log/robot-window.js';
import { openPostgresRobotWindow } from '../activities/notify/log/robot-window-postgres.js';
import { openSqliteRobotWindow } from '../activities/notify/log/robot-window-sqlite.js';
import { startEphemeralPostgres } from '../toolchain/postgres.js';

const count = Number(process.argv[2] ?? 5000);
const rule = { limit: 20, windowMs: 61_000 };
// Many robots, so every reservation is granted (a full robot answers "wait", measured separately).
const robot = (i: number) => `wecom:${String(i % 500).padStart(16, '0')}`;

async function measure(name: string, open: () => Promise<RobotWindowStore>): Promise<void> {
  const [a, b] = [await open(), await open()];
  const base = Date.now();
  // Warm-up: prepared statements, pool connections.
  for (let i = 0; i < 50; i++) await a.reserve(`warm:${i}`, base, rule);

  let t = performance.now();
  for (let i = 0; i < count; i++) {
    const r = await a.reserve(robot(i), base + i, rule);
    if (r.kind !== 'taken') throw new Error(`expected a slot at ${i}`);
  }
  const reserveMs = (performance.now() - t) / count;

  t = performance.now();
  for (let i = 0; i < count; i++) {
    const r = await a.reserve(robot(i) + 'x', base + i, rule);
    if (r.kind === 'taken') await a.complete(robot(i) + 'x', r.slotId, base + i + 5);
  }
  const withStampMs = (performance.now() - t) / count;

  const full = 'wecom:full';
  for (let i = 0; i < rule.limit; i++) await a.reserve(full, base, rule);
  t = performance.now();
  for (let i = 0; i < count; i++)
    if ((await a.reserve(full, base + 1, rule)).kind !== 'wait') throw new Error('expected wait');
  const waitMs = (performance.now() - t) / count;

  // Two handles (two workers) on ONE robot at once, every call serialised by its lock. Logical time
  // steps 10 ms against 20 per 200 ms, so the robot holds at most 20 slots as in production.
  t = performance.now();
  let granted = 0;
  let step = 0;
  await Promise.all(
    [a, b].map(async (s) => {
      for (let i = 0; i < count / 2; i++)
        if (
          (await s.reserve('dingtalk:contended', base + 10 * step++, { limit: 20, windowMs: 200 })).kind ===
          'taken'
        )
          granted++;
    }),
  );
  const contendedMs = (performance.now() - t) / count;

  await a.close();
  await b.close();
  console.log(
    `${name.padEnd(11)} reserve ${reserveMs.toFixed(3)} ms | reserve+stamp ${withStampMs.toFixed(3)} ms | "wait" answer ${waitMs.toFixed(3)} ms | two handles, one robot ${contendedMs.toFixed(3)} ms per reservation (${granted} of ${count} granted)`,
  );
}

console.log(
  `machine: ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}; ${count} reservations each`,
);
const dir = mkdtempSync(join(tmpdir(), 'robot-window-bench-'));
try {
  await measure('SQLite', () => Promise.resolve(openSqliteRobotWindow(join(dir, 'notify.sqlite'))));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const pgServer = await startEphemeralPostgres();
try {
  const url = await pgServer.createDatabase();
  await measure('PostgreSQL', () => openPostgresRobotWindow(url));
} finally {
  await pgServer.stop();
}
