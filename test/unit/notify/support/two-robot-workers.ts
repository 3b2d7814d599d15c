/**
 * Two workers (two dispatchers, each with its own handle on the shared window, or none) sending 30
 * messages to one robot stand-in within one window; run against SQLite and PostgreSQL.
 */
import type { RobotWindowStore } from '../../../../activities/notify/log/robot-window.js';
import {
  createDigestDispatcher,
  type RobotDispatcher,
} from '../../../../activities/notify/robots/digest-dispatcher.js';
import {
  createRobotClient,
  type RobotClient,
  type RobotMessage,
  type RobotTarget,
} from '../../../../activities/notify/robots/robot-client.js';
import { startHttpReceiver, type ReceivedRequest } from './http-receiver.js';

export const unitMessage = (i: number): RobotMessage => ({
  title: `今日到期：第${i}号单位`,
  markdown: `### 今日到期\n**第${i}号单位**“分析检查报告”今天截止。`,
});

/** How many times each of messages 1…count appears across the requests' text. */
export function timesEachDelivered(markdowns: string[], count: number): number[] {
  const all = markdowns.join('\n');
  return Array.from({ length: count }, (_, k) => all.split(`**第${k + 1}号单位**`).length - 1);
}

/** Most requests inside any window of `windowMs` starting at a request. */
export function busiestWindow(times: number[], windowMs: number): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u - t < windowMs).length));
}

export interface TwoWorkersRun {
  limit: number;
  windowMs: number;
  settled: PromiseSettledResult<void>[];
  requests: ReceivedRequest[];
  markdowns: string[];
  /** Requests made by each worker: both must take part for the run to prove anything. */
  perWorker: number[];
}

/** 30 messages alternately to two workers over 1.2 s, against a limit of 4 per 2 s (20 a minute, scaled down). */
export async function twoWorkersSend30(
  windows: [RobotWindowStore, RobotWindowStore] | undefined,
): Promise<TwoWorkersRun> {
  const limit = 4;
  const windowMs = 2_000;
  const wecom = await startHttpReceiver(() => ({ json: { errcode: 0, errmsg: 'ok' } }));
  const clients = [0, 1].map(() => counting(createRobotClient({ dingtalkSecrets: {} })));
  const workers: RobotDispatcher[] = clients.map((client, w) =>
    createDigestDispatcher({
      client,
      limit,
      windowMs,
      lingerMs: 20,
      maxBytes: 4000,
      ...(windows ? { window: windows[w] } : {}),
    }),
  );
  try {
    const target: RobotTarget = { kind: 'wecom', webhook: `${wecom.url}/cgi-bin/webhook/send?key=shared` };
    const calls: Promise<void>[] = [];
    for (let i = 1; i <= 30; i++) {
      calls.push((workers[i % 2] as RobotDispatcher).deliver(target, unitMessage(i)));
      await new Promise((r) => setTimeout(r, 40));
    }
    const settled = await Promise.allSettled(calls);
    const requests = wecom.requests();
    const markdowns = requests.map(
      (r) => (JSON.parse(r.body) as { markdown: { content: string } }).markdown.content,
    );
    return { limit, windowMs, settled, requests, markdowns, perWorker: clients.map((c) => c.requests) };
  } finally {
    for (const d of workers) d.close();
    await wecom.close();
  }
}

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
