import type { RobotWindowStore } from '../log/robot-window.js';
import {
  robotId,
  RobotThrottledError,
  type RobotClient,
  type RobotMessage,
  type RobotTarget,
} from './robot-client.js';

/**
 * Keeps every robot under its provider limit (20 messages a minute) without dropping anything.
 *
 * Per robot: a queue and a sliding window of request times. A message waits `lingerMs` for company;
 * when the window has room, everything queued goes out as ONE request — the message itself if alone,
 * else a digest (汇总) of all of them, cut at `maxBytes` (the rest waits for the next slot). When the
 * window is full, messages keep queuing and leave together in the next free slot. Each caller's
 * promise settles with its own request, so the activity records "sent" only after the robot accepted
 * the request that carried its message.
 *
 * The provider counts per robot, not per worker: with `window` (the store shared by all workers,
 * next to the delivery log) every request first reserves a slot there, so N workers together stay
 * within `limit`. The window kept in this process is only a fast path (when it is full, so is the
 * shared one). Without `window` the limit holds per process.
 */
export interface DispatcherOptions {
  client: RobotClient;
  limit: number;
  windowMs: number;
  lingerMs: number;
  maxBytes: number;
  window?: RobotWindowStore;
  now?: () => number;
}

interface Pending {
  message: RobotMessage;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Bucket {
  id: string;
  target: RobotTarget;
  /** The shared window said the next slot frees up then. */
  notBefore: number;
  queue: Pending[];
  sent: number[];
  firstQueuedAt: number;
  timer: NodeJS.Timeout | undefined;
  busy: boolean;
}

export interface RobotDispatcher {
  deliver(target: RobotTarget, message: RobotMessage): Promise<void>;
  /** Messages waiting for a slot, across all robots. */
  pending(): number;
  close(): void;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function digestOf(messages: RobotMessage[], maxBytes: number): RobotMessage {
  if (messages.length === 1) {
    const only = messages[0] as RobotMessage;
    return bytes(only.markdown) <= maxBytes
      ? only
      : { title: only.title, markdown: truncateBytes(only.markdown, maxBytes) };
  }
  return {
    title: `通知汇总（${messages.length} 条）`,
    markdown: `#### 通知汇总（${messages.length} 条）\n\n${messages.map((m) => m.markdown).join('\n\n---\n\n')}`,
  };
}

function truncateBytes(text: string, maxBytes: number): string {
  let out = '';
  for (const ch of text) {
    if (bytes(out + ch) > maxBytes - 3) return `${out}…`;
    out += ch;
  }
  return out;
}

export function createDigestDispatcher(o: DispatcherOptions): RobotDispatcher {
  const now = o.now ?? Date.now;
  const buckets = new Map<string, Bucket>();

  const rule = { limit: o.limit, windowMs: o.windowMs };

  const schedule = (b: Bucket) => {
    if (b.timer || b.busy || b.queue.length === 0) return;
    const t = now();
    b.sent = b.sent.filter((s) => t - s < o.windowMs);
    const slotAt = b.sent.length < o.limit ? t : (b.sent[0] ?? t) + o.windowMs;
    const at = Math.max(slotAt, b.notBefore, b.firstQueuedAt + o.lingerMs);
    b.timer = setTimeout(() => void flush(b), Math.max(0, at - t));
  };

  /** A slot in the shared window: its id, null when there is no shared window, or undefined to wait. */
  const reserve = async (b: Bucket, t: number): Promise<string | null | undefined> => {
    if (!o.window) return null;
    const r = await o.window.reserve(b.id, t, rule);
    if (r.kind === 'taken') return r.slotId;
    b.notBefore = r.until;
    return undefined;
  };

  const flush = async (b: Bucket) => {
    b.timer = undefined;
    const t = now();
    b.sent = b.sent.filter((s) => t - s < o.windowMs);
    if (b.sent.length >= o.limit || t < b.notBefore) return schedule(b);
    b.busy = true;
    let slotId: string | null | undefined;
    try {
      slotId = await reserve(b, t);
    } catch (e) {
      // Without the shared window we cannot know the robot has room: the waiting attempts fail
      // transiently (Temporal retries them) rather than risk a 10-minute block of the robot.
      b.busy = false;
      for (const p of b.queue.splice(0)) p.reject(e);
      return;
    }
    if (slotId === undefined || b.queue.length === 0) {
      b.busy = false;
      return schedule(b);
    }
    // Take as many queued messages as fit in one request.
    let take = 1;
    while (
      take < b.queue.length &&
      bytes(
        digestOf(
          b.queue.slice(0, take + 1).map((p) => p.message),
          Infinity,
        ).markdown,
      ) <= o.maxBytes
    )
      take++;
    const batch = b.queue.splice(0, take);
    b.firstQueuedAt = now();
    // The provider counts a request when it receives it, which we only bound from above by when its
    // reply came back: the slot is reserved now and stamped with the completion time below.
    b.sent.push(t);
    try {
      await o.client.send(
        b.target,
        digestOf(
          batch.map((p) => p.message),
          o.maxBytes,
        ),
      );
      for (const p of batch) p.resolve();
    } catch (e) {
      // The provider now blocks us for a while: count the window as full, here and for every worker.
      if (e instanceof RobotThrottledError) {
        b.sent = Array.from({ length: o.limit }, () => now());
        await o.window?.block(b.id, now(), rule).catch(() => undefined);
      }
      for (const p of batch) p.reject(e);
    } finally {
      const i = b.sent.indexOf(t);
      if (i >= 0) b.sent[i] = Math.max(now(), b.sent[i] ?? 0);
      // A failed stamp leaves the slot at its reservation time: at worst the window is a request's duration short.
      if (slotId) await o.window?.complete(b.id, slotId, now()).catch(() => undefined);
      b.busy = false;
      schedule(b);
    }
  };

  return {
    deliver(target, message) {
      const key = robotId(target);
      let b = buckets.get(key);
      if (!b) {
        b = {
          id: key,
          target,
          notBefore: 0,
          queue: [],
          sent: [],
          firstQueuedAt: now(),
          timer: undefined,
          busy: false,
        };
        buckets.set(key, b);
      }
      if (b.queue.length === 0) b.firstQueuedAt = now();
      const bucket = b;
      return new Promise<void>((resolve, reject) => {
        bucket.queue.push({ message, resolve, reject });
        schedule(bucket);
      });
    },
    pending: () => [...buckets.values()].reduce((n, b) => n + b.queue.length, 0),
    close() {
      for (const b of buckets.values()) {
        if (b.timer) clearTimeout(b.timer);
        for (const p of b.queue.splice(0)) p.reject(new Error('robot dispatcher closed'));
      }
    },
  };
}
