import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadNotifyConfig } from '../../../activities/notify/config.js';
import { notificationDepsFromConfig } from '../../../activities/notify/from-config.js';
import type { RobotWindowStore } from '../../../activities/notify/log/robot-window.js';
import { openSqliteRobotWindow } from '../../../activities/notify/log/robot-window-sqlite.js';
import { createDigestDispatcher, type RobotDispatcher } from '../../../activities/notify/robots/digest-dispatcher.js';
import { createRobotClient, RobotThrottledError, type RobotClient, type RobotMessage, type RobotTarget } from '../../../activities/notify/robots/robot-client.js';
import { startHttpReceiver, type HttpReceiver } from './support/http-receiver.js';

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
  cleanup.push(() => a.close(), () => b.close());
  return [a, b];
}

/** Most requests inside any window of `windowMs` starting at a request. */
function busiestWindow(times: number[], windowMs: number): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u - t < windowMs).length));
}

const unitMessage = (i: number): RobotMessage => ({ title: `今日到期：第${i}号单位`, markdown: `### 今日到期\n**第${i}号单位**“分析检查报告”今天截止。` });

function countOnce(markdowns: string[], count: number): number[] {
  const all = markdowns.join('\n');
  return Array.from({ length: count }, (_, k) => all.split(`**第${k + 1}号单位**`).length - 1);
}

/** Counts the requests each worker made, so the test can tell both took part. */
function counting(client: RobotClient): RobotClient & { requests: number } {
  const c = {
    requests: 0,
    send(target: RobotTarget, message: RobotMessage) {
      c.requests++;
      return client.send(target, message);
    },
  };
  return c;
}

describe('robot limit across workers', () => {
  async function twoWorkersSend30(shared: boolean) {
    const limit = 4;
    const windowMs = 2_000; // 20 a minute, scaled down so the test runs in seconds
    const wecom: HttpReceiver = await startHttpReceiver(() => ({ json: { errcode: 0, errmsg: 'ok' } }));
    cleanup.push(() => wecom.close());
    const windows = shared ? twoWorkerWindows() : [undefined, undefined];
    const clients = [0, 1].map(() => counting(createRobotClient({ dingtalkSecrets: {} })));
    const workers: RobotDispatcher[] = clients.map((client, w) =>
      createDigestDispatcher({ client, limit, windowMs, lingerMs: 20, maxBytes: 4000, ...(windows[w] ? { window: windows[w] } : {}) }),
    );
    cleanup.push(() => workers.forEach((d) => d.close()));
    const target: RobotTarget = { kind: 'wecom', webhook: `${wecom.url}/cgi-bin/webhook/send?key=shared` };
    const calls: Promise<void>[] = [];
    for (let i = 1; i <= 30; i++) {
      calls.push((workers[i % 2] as RobotDispatcher).deliver(target, unitMessage(i)));
      await new Promise((r) => setTimeout(r, 40)); // 30 messages over 1.2 s, within one window
    }
    const settled = await Promise.allSettled(calls);
    const requests = wecom.requests();
    const markdowns = requests.map((r) => (JSON.parse(r.body) as { markdown: { content: string } }).markdown.content);
    return { limit, windowMs, settled, requests, markdowns, perWorker: clients.map((c) => c.requests) };
  }

  it('two workers sharing the window send 30 messages to one robot: at most 4 requests in any 2 s, each message once', async () => {
    const r = await twoWorkersSend30(true);
    expect(r.settled.every((s) => s.status === 'fulfilled')).toBe(true);
    expect(busiestWindow(r.requests.map((q) => q.at), r.windowMs)).toBeLessThanOrEqual(r.limit);
    expect(countOnce(r.markdowns, 30)).toEqual(Array.from({ length: 30 }, () => 1));
    expect(r.markdowns.some((m) => /通知汇总（\d+ 条）/.test(m))).toBe(true);
    expect(r.perWorker.every((k) => k > 0)).toBe(true);
  });

  it('without the shared window the same two workers exceed the limit (what the store prevents)', async () => {
    const r = await twoWorkersSend30(false);
    expect(countOnce(r.markdowns, 30)).toEqual(Array.from({ length: 30 }, () => 1));
    expect(busiestWindow(r.requests.map((q) => q.at), r.windowMs)).toBeGreaterThan(r.limit);
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
    const workers = windows.map((window) => createDigestDispatcher({ client, limit: 20, windowMs: 61_000, lingerMs: 1_500, maxBytes: 4000, window }));
    cleanup.push(() => workers.forEach((d) => d.close()));
    const target: RobotTarget = { kind: 'dingtalk', webhook: 'https://oapi.dingtalk.com/robot/send?access_token=t1' };
    const calls: Promise<void>[] = [];
    for (let i = 1; i <= 30; i++) {
      calls.push((workers[i % 2] as RobotDispatcher).deliver(target, unitMessage(i)));
      await vi.advanceTimersByTimeAsync(2_000);
    }
    await vi.advanceTimersByTimeAsync(70_000);
    const settled = await Promise.allSettled(calls);
    expect(settled.every((s) => s.status === 'fulfilled')).toBe(true);
    // 30 lone messages would be 30 requests in a minute; 20 go alone, the rest wait and share digests.
    expect(busiestWindow(sent.map((s) => s.at), 60_000)).toBe(20);
    expect(busiestWindow(sent.map((s) => s.at), 61_000)).toBeLessThanOrEqual(20);
    expect(countOnce(sent.map((s) => s.markdown), 30)).toEqual(Array.from({ length: 30 }, () => 1));
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
    const [a, b] = windows.map((window) => createDigestDispatcher({ client, limit: 20, windowMs: 400, lingerMs: 0, maxBytes: 4000, window })) as [
      RobotDispatcher,
      RobotDispatcher,
    ];
    cleanup.push(() => [a, b].forEach((d) => d.close()));
    const target: RobotTarget = { kind: 'dingtalk', webhook: 'https://oapi.dingtalk.com/robot/send?access_token=t2' };
    await expect(a.deliver(target, unitMessage(1))).rejects.toBeInstanceOf(RobotThrottledError);
    const started = Date.now();
    await b.deliver(target, unitMessage(2));
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(sent).toHaveLength(2);
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
    await expect(d.deliver({ kind: 'wecom', webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' }, unitMessage(1))).rejects.toThrow('SQLITE_BUSY');
    expect(sent).toEqual([]);
    expect(d.pending()).toBe(0);
  });

  it('workers built from the same configuration share the window (the delivery log\'s SQLite file)', async () => {
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
    const target: RobotTarget = { kind: 'wecom', webhook: `${wecom.url}/cgi-bin/webhook/send?key=configured` };
    await workers[0]?.deps.robots?.deliver(target, unitMessage(1));
    await workers[1]?.deps.robots?.deliver(target, unitMessage(2));
    const [first, second] = wecom.requests();
    expect(second?.at ?? 0).toBeGreaterThanOrEqual((first?.at ?? 0) + 950);
  });
});
