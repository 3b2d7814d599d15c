import { robotId, RobotThrottledError, type RobotClient, type RobotMessage, type RobotTarget } from './robot-client.js';

/**
 * Keeps every robot under its provider limit (20 messages a minute) without dropping anything.
 *
 * Per robot, in this worker process: a sliding-window limiter (the times of the last `limit`
 * requests) and a queue. A message waits `lingerMs` for company; when the window has room, everything
 * queued goes out as ONE request — the message itself if alone, else a digest (汇总) of all of them,
 * cut at `maxBytes` (the rest waits for the next slot). When the window is full, messages keep queuing
 * and leave together in the next free slot. Each caller's promise settles with its own request, so the
 * activity records "sent" only after the robot accepted the request that carried its message.
 *
 * Limits hold per process: run robot deliveries on one worker (or one task queue with one worker),
 * or divide `limit` by the number of workers.
 */
export interface DispatcherOptions {
  client: RobotClient;
  limit: number;
  windowMs: number;
  lingerMs: number;
  maxBytes: number;
  now?: () => number;
}

interface Pending {
  message: RobotMessage;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Bucket {
  target: RobotTarget;
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

export function digestOf(messages: RobotMessage[], maxBytes: number): RobotMessage {
  if (messages.length === 1) {
    const only = messages[0] as RobotMessage;
    return bytes(only.markdown) <= maxBytes ? only : { title: only.title, markdown: truncateBytes(only.markdown, maxBytes) };
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

  const schedule = (b: Bucket) => {
    if (b.timer || b.busy || b.queue.length === 0) return;
    const t = now();
    b.sent = b.sent.filter((s) => t - s < o.windowMs);
    const slotAt = b.sent.length < o.limit ? t : (b.sent[0] ?? t) + o.windowMs;
    const at = Math.max(slotAt, b.firstQueuedAt + o.lingerMs);
    b.timer = setTimeout(() => void flush(b), Math.max(0, at - t));
  };

  const flush = async (b: Bucket) => {
    b.timer = undefined;
    const t = now();
    b.sent = b.sent.filter((s) => t - s < o.windowMs);
    if (b.sent.length >= o.limit) return schedule(b);
    // Take as many queued messages as fit in one request.
    let take = 1;
    while (take < b.queue.length && bytes(digestOf(b.queue.slice(0, take + 1).map((p) => p.message), Infinity).markdown) <= o.maxBytes) take++;
    const batch = b.queue.splice(0, take);
    b.firstQueuedAt = now();
    b.busy = true;
    // The provider counts a request when it receives it, which we only bound from above by when its
    // reply came back: the slot is reserved now and stamped with the completion time below.
    b.sent.push(t);
    try {
      await o.client.send(b.target, digestOf(batch.map((p) => p.message), o.maxBytes));
      for (const p of batch) p.resolve();
    } catch (e) {
      // The provider now blocks us for a while: count the window as full.
      if (e instanceof RobotThrottledError) b.sent = Array.from({ length: o.limit }, () => now());
      for (const p of batch) p.reject(e);
    } finally {
      const i = b.sent.indexOf(t);
      if (i >= 0) b.sent[i] = Math.max(now(), b.sent[i] ?? 0);
      b.busy = false;
      schedule(b);
    }
  };

  return {
    deliver(target, message) {
      const key = robotId(target);
      let b = buckets.get(key);
      if (!b) {
        b = { target, queue: [], sent: [], firstQueuedAt: now(), timer: undefined, busy: false };
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
