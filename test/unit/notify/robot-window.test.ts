import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openSqliteRobotWindow } from '../../../activities/notify/log/robot-window-sqlite.js';
import { robotWindowContract } from './support/robot-window-contract.js';

// A file, not :memory:, so a second handle (a second worker process) shares the slots.
const dir = mkdtempSync(join(tmpdir(), 'robot-window-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

robotWindowContract('SQLite', {
  open() {
    const file = join(dir, `window-${++n}.sqlite`);
    return Promise.resolve({
      store: openSqliteRobotWindow(file),
      openAnother: () => Promise.resolve(openSqliteRobotWindow(file)),
    });
  },
});

// Store-specific: the window lives in the file, so a worker restart does not hand the robot a fresh
// allowance — slots taken before the close still count after the file is opened again.
it('keeps its slots across a close and reopen of the file (a worker restart)', async () => {
  const file = join(dir, 'restart.sqlite');
  const rule = { limit: 2, windowMs: 60_000 };
  const t0 = Date.UTC(2009, 11, 9, 2, 0, 0);
  const before = openSqliteRobotWindow(file);
  expect((await before.reserve('wecom:restart', t0, rule)).kind).toBe('taken');
  expect((await before.reserve('wecom:restart', t0 + 1_000, rule)).kind).toBe('taken');
  await before.close();

  const after = openSqliteRobotWindow(file);
  try {
    expect(await after.reserve('wecom:restart', t0 + 2_000, rule)).toEqual({
      kind: 'wait',
      until: t0 + 60_000,
    });
    expect((await after.slots('wecom:restart')).map((s) => s.at)).toEqual([t0, t0 + 1_000]);
  } finally {
    await after.close();
  }
});
