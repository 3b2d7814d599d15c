import { expect, it } from 'vitest';
import type { RobotWindowStore } from '../../../activities/notify/log/robot-window.js';
import { openPostgresRobotWindow } from '../../../activities/notify/log/robot-window-postgres.js';
import { postgresForThisFile } from '../support/postgres-per-file.js';
import { robotWindowContract } from '../../unit/notify/support/robot-window-contract.js';
import {
  busiestWindow,
  timesEachDelivered,
  twoWorkersSend30,
} from '../../unit/notify/support/two-robot-workers.js';

const server = postgresForThisFile();

robotWindowContract('PostgreSQL', {
  async open() {
    const url = await server.createDatabase();
    return { store: await openPostgresRobotWindow(url), openAnother: () => openPostgresRobotWindow(url) };
  },
});

// Two workers on different hosts share PostgreSQL: the same 30-message run as in the unit project.
it('two workers sharing the PostgreSQL window send 30 messages to one robot: at most 4 requests in any 2 s, each message once', async () => {
  const url = await server.createDatabase();
  const windows: [RobotWindowStore, RobotWindowStore] = [
    await openPostgresRobotWindow(url),
    await openPostgresRobotWindow(url),
  ];
  try {
    const r = await twoWorkersSend30(windows);
    expect(r.settled.every((s) => s.status === 'fulfilled')).toBe(true);
    expect(
      busiestWindow(
        r.requests.map((q) => q.at),
        r.windowMs,
      ),
    ).toBeLessThanOrEqual(r.limit);
    expect(timesEachDelivered(r.markdowns, 30)).toEqual(Array.from({ length: 30 }, () => 1));
    expect(r.perWorker.every((k) => k > 0)).toBe(true);
  } finally {
    for (const w of windows) await w.close();
  }
});
