import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadNotifyConfig } from '../../../activities/notify/config.js';
import { notificationDepsFromConfig } from '../../../activities/notify/from-config.js';
import type { RobotWindowStore } from '../../../activities/notify/log/robot-window.js';
import { openSqliteRobotWindow } from '../../../activities/notify/log/robot-window-sqlite.js';
import {
  createDigestDispatcher,
  type RobotDispatcher,
} from '../../../activities/notify/robots/digest-dispatcher.js';
import {
  RobotThrottledError,
  type RobotClient,
  type RobotTarget,
} from '../../../activities/notify/robots/robot-client.js';
import { startHttpReceiver } from './support/http-receiver.js';
import {
  busiestWindow,
  timesEachDelivered,
  twoWorkersSend30,
  unitMessage,
} from './support/two-robot-workers.js';

const dir = mkdtempSync(join(tmpdir(), 'robots-shared-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Two worker processes on one host: each its own connection to the delivery log's file. */
function twoWorkerWindows(): [RobotWindowStore, RobotWindowStore] {
  const file = join(dir, `notify-${++n}.sqlite`);
  const a = openSqliteRobotWindow(file);
  const b = openSqliteRobotWindow(file);
  cleanup.push(
    () => a.close(),
    () => b.close(),
  );
  return [a, b];
}

describe('robot limit across workers', () => {
  it('two workers sharing the window send 30 messages to one robot: at most 4 requests in any 2 s, each message once', async () => {
    const r = await twoWorkersSend30(twoWorkerWindows());
    expect(r.settled.every((s) => s.status === 'fulfilled')).toBe(true);
    expect(
      busiestWindow(
        r.requests.map((q) => q.at),
        r.windowMs,
      ),
    ).toBeLessThanOrEqual(r.limit);
    expect(timesEachDelivered(r.markdowns, 30)).toEqual(Array.from({ length: 30 }, () => 1));
    expect(r.markdowns.some((m) => /通知汇总（\d+ 条）/.test(m))).toBe(true);
    expect(r.perWorker.every((k) => k > 0)).toBe(true);
  });

  it('without the shared window the same two workers exceed the limit (what the store prevents)', async () => {
    const r = await twoWorkersSend30(undefined);
    expect(timesEachDelivered(r.markdowns, 30)).toEqual(Array.from({ length: 30 }, () => 1));
    expect(
      busiestWindow(
        r.requests.map((q) => q.at),
        r.windowMs,
      ),
    ).toBeGreaterThan(r.limit);
  });

  it('at the real defaults (20 a 61 s window, 1.5 s linger): one message every 2 s for a minute over two workers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(Date.UTC(2009, 11, 9, 2, 0, 0));
    const windows = twoWorkerWindows();
    const sent: { at: number; markdown: string }[] = [];
    const client: RobotClient = {
      send: (_target, message) => {
        sent.push({ at: Date.now(), markdown: message.markdown });
        return Promise.resolve();
      },
    };
    const workers = windows.map((window) =>
      createDigestDispatcher({
        client,
        limit: 20,
        windowMs: 61_000,
        lingerMs: 1_500,
        maxBytes: 4000,
        window,
      }),
    );
    cleanup.push(() => workers.forEach((d) => d.close()));
    const target: RobotTarget = {
      kind: 'dingtalk',
      webhook: 'https://oapi.dingtalk.com/robot/send?access_token=t1',
    };
    const calls: Promise<void>[] = [];
    for (let i = 1; i <= 30; i++) {
      calls.push((workers[i % 2] as RobotDispatcher).deliver(target, unitMessage(i)));
      await vi.advanceTimersByTimeAsync(2_000);
    }
    await vi.advanceTimersByTimeAsync(70_000);
    const settled = await Promise.allSettled(calls);
    expect(settled.every((s) => s.status === 'fulfilled')).toBe(true);
    // 30 lone messages would be 30 requests in a minute; 20 go alone, the rest wait and share digests.
    expect(
      busiestWindow(
        sent.map((s) => s.at),
        60_000,
      ),
    ).toBe(20);
    expect(
      busiestWindow(
        sent.map((s) => s.at),
        61_000,
      ),
    ).toBeLessThanOrEqual(20);
    expect(
      timesEachDelivered(
        sent.map((s) => s.markdown),
        30,
      ),
    ).toEqual(Array.from({ length: 30 }, () => 1));
    expect(sent.length).toBeLessThan(30);
  });

  it('a throttling reply to one worker stops the other worker too, for a whole window', async () => {
    const windows = twoWorkerWindows();
    const sent: number[] = [];
    let throttle = true;
    const client: RobotClient = {
      send: () => {
        sent.push(Date.now());
        if (throttle) {
          throttle = false;
          return Promise.reject(new RobotThrottledError('dingtalk robot throttled (130101): send too fast'));
        }
        return Promise.resolve();
      },
    };
    const [a, b] = windows.map((window) =>
      createDigestDispatcher({ client, limit: 20, windowMs: 400, lingerMs: 0, maxBytes: 4000, window }),
    ) as [RobotDispatcher, RobotDispatcher];
    cleanup.push(() => [a, b].forEach((d) => d.close()));
    const target: RobotTarget = {
      kind: 'dingtalk',
      webhook: 'https://oapi.dingtalk.com/robot/send?access_token=t2',
    };
    await expect(a.deliver(target, unitMessage(1))).rejects.toBeInstanceOf(RobotThrottledError);
    await b.deliver(target, unitMessage(2));
    // As the provider saw it: worker b's message came a whole window after worker a was throttled.
    expect(sent).toHaveLength(2);
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(350);
  });

  it('when the shared window cannot be read, the waiting messages fail transiently and nothing is sent', async () => {
    const sent: string[] = [];
    const broken: RobotWindowStore = {
      reserve: () => Promise.reject(new Error('SQLITE_BUSY: database is locked')),
      complete: () => Promise.resolve(),
      block: () => Promise.resolve(),
      slots: () => Promise.resolve([]),
      close: () => Promise.resolve(),
    };
    const d = createDigestDispatcher({
      client: { send: (_t, m) => (sent.push(m.markdown), Promise.resolve()) },
      limit: 20,
      windowMs: 1_000,
      lingerMs: 0,
      maxBytes: 4000,
      window: broken,
    });
    cleanup.push(() => d.close());
    await expect(
      d.deliver(
        { kind: 'wecom', webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' },
        unitMessage(1),
      ),
    ).rejects.toThrow('SQLITE_BUSY');
    expect(sent).toEqual([]);
    expect(d.pending()).toBe(0);
  });

  it("workers built from the same configuration share the window (the delivery log's SQLite file)", async () => {
    const wecom = await startHttpReceiver(() => ({ json: { errcode: 0, errmsg: 'ok' } }));
    cleanup.push(() => wecom.close());
    const config = loadNotifyConfig({
      NOTIFY_SQLITE_PATH: join(dir, `config-${++n}.sqlite`),
      ROBOT_RATE_LIMIT: '1',
      ROBOT_RATE_WINDOW_SECONDS: '1',
      ROBOT_BATCH_LINGER_MS: '0',
    });
    const workers = [await notificationDepsFromConfig(config), await notificationDepsFromConfig(config)];
    cleanup.push(async () => {
      for (const w of workers) await w.close();
    });
    const target: RobotTarget = {
      kind: 'wecom',
      webhook: `${wecom.url}/cgi-bin/webhook/send?key=configured`,
    };
    await workers[0]?.deps.robots?.deliver(target, unitMessage(1));
    await workers[1]?.deps.robots?.deliver(target, unitMessage(2));
    const [first, second] = wecom.requests();
    expect(second?.at ?? 0).toBeGreaterThanOrEqual((first?.at ?? 0) + 950);
  });
});
