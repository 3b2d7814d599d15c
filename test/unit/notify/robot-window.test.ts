import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteRobotWindow } from '../../../activities/notify/log/robot-window-sqlite.js';
import { robotWindowContract } from './support/robot-window-contract.js';

// A file, not :memory:, so a second handle (a second worker process) shares the slots.
const dir = mkdtempSync(join(tmpdir(), 'robot-window-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

robotWindowContract('SQLite', {
  open() {
    const file = join(dir, `window-${++n}.sqlite`);
    return Promise.resolve({ store: openSqliteRobotWindow(file), openAnother: () => Promise.resolve(openSqliteRobotWindow(file)) });
  },
});
