/**
 * One message per person (issue 16, 减负): every delivery due for one address on one channel
 * within a short window goes out as ONE message listing all its items, across units and across
 * the activity calls of different workflows running on this worker.
 *
 * The window runs BEFORE anything is claimed: items wait unclaimed, so a worker killed while they
 * wait leaves nothing 'sending' (the next attempt simply sends them). When the window closes, the
 * bundle takes the provider slot, claims every item through the send-once protocol (prepare),
 * sends one message for the items cleared to go, and settles every item with the message's id.
 * A crash between the provider call and the records leaves each item's claim to go stale, and
 * each is settled per item as today ('uncertain', never resent blindly).
 *
 * Escalation repeats (…/escalation/L<n>/<r>, r ≥ 1) are capped per address, channel and rolling
 * week: when the address already had `repeatsPerWeek` messages carrying repeats, the repeats of
 * this bundle are recorded 'suppressed' with a Chinese reason; other items still go.
 */
import { isEscalationRepeat } from './log/claim-rule.js';
import type { Delivery, PreparePlan, Prepared, ReadyDelivery, SendOnceResult } from './send-once.js';

export interface BundleItem<C> {
  delivery: Delivery;
  plan: PreparePlan;
  /** The item's own rendered content (what it would have been sent as alone). */
  content: C;
}

export interface BundlerDeps<C> {
  prepare: (d: Delivery, plan: PreparePlan) => Promise<Prepared>;
  /** Milliseconds an item waits for company; 0 sends every item alone at once. */
  windowMs: number;
  /** At most this many items in one message; more start the next one. */
  maxItems?: number;
  /** The provider's connection slot, held from the claims to the records (the SMTP pool gate). */
  slot?: () => Promise<() => void>;
  /** Sends one message carrying these items (one item: its own content); resolves with the provider's id. */
  send: (items: BundleItem<C>[]) => Promise<string | null>;
  /** The weekly cap of escalation repeats per address; undefined or 0: no cap. */
  repeatsPerWeek?: number;
  countRepeatMessages?: (q: { channel: string; address: string; since: Date }) => Promise<number>;
  now: () => Date;
}

interface Pending<C> {
  item: BundleItem<C>;
  resolve: (r: SendOnceResult) => void;
  reject: (e: unknown) => void;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
export const REPEAT_CAP_CODE = 'escalation_repeat_cap';

export function repeatCapReason(cap: number): string {
  return `本周已向该收件人发送${cap}次重复督办提醒，达到每周上限，本条重复提醒不再发送（已记录在投递记录中）。`;
}

export interface Bundler<C> {
  submit(item: BundleItem<C>): Promise<SendOnceResult>;
}

export function createBundler<C>(deps: BundlerDeps<C>): Bundler<C> {
  const open = new Map<string, Pending<C>[]>();
  const maxItems = deps.maxItems ?? 50;

  function flushKey(key: string): void {
    const items = open.get(key);
    if (!items) return;
    open.delete(key);
    void flush(items);
  }

  return {
    submit(item) {
      return new Promise<SendOnceResult>((resolve, reject) => {
        const key = `${item.delivery.channel}#${item.delivery.address}`;
        let items = open.get(key);
        if (!items) {
          items = [];
          open.set(key, items);
          if (deps.windowMs > 0) setTimeout(() => flushKey(key), deps.windowMs);
          else queueMicrotask(() => flushKey(key));
        }
        // The same delivery twice in one window (a batch listing one notification twice): it rides
        // on the first, and hears what a second call after it would, 'already_sent'.
        const twin = items.find((p) => p.item.delivery.deliveryKey === item.delivery.deliveryKey);
        if (twin) {
          const { resolve: first, reject: firstFailed } = twin;
          twin.resolve = (r) => {
            first(r);
            resolve(r.outcome === 'sent' ? { ...r, outcome: 'already_sent' } : r);
          };
          twin.reject = (e) => {
            firstFailed(e);
            reject(e instanceof Error ? e : new Error(String(e)));
          };
          return;
        }
        items.push({ item, resolve, reject });
        if (items.length >= maxItems) flushKey(key);
      });
    },
  };

  async function flush(items: Pending<C>[]): Promise<void> {
    const first = items[0]!.item.delivery;
    let capReached = false;
    try {
      if (deps.repeatsPerWeek && deps.countRepeatMessages && items.some((p) => isRepeat(p))) {
        const since = new Date(deps.now().getTime() - WEEK_MS);
        const used = await deps.countRepeatMessages({
          channel: first.channel,
          address: first.address,
          since,
        });
        capReached = used >= deps.repeatsPerWeek;
      }
    } catch (e) {
      // Nothing is claimed yet: every item fails transiently and its activity retries.
      for (const p of items) p.reject(e);
      return;
    }
    const release = deps.slot ? await deps.slot() : undefined;
    try {
      await claimAndSend(items, capReached);
    } finally {
      release?.();
    }
  }

  async function claimAndSend(items: Pending<C>[], capReached: boolean): Promise<void> {
    const ready: { p: Pending<C>; r: ReadyDelivery }[] = [];
    for (const p of items) {
      try {
        const prepared = await deps.prepare(p.item.delivery, p.item.plan);
        if (prepared.kind === 'done') p.resolve(prepared.result);
        else if (capReached && isRepeat(p))
          p.resolve(
            await prepared.ready.suppressed(REPEAT_CAP_CODE, repeatCapReason(deps.repeatsPerWeek ?? 0)),
          );
        else ready.push({ p, r: prepared.ready });
      } catch (e) {
        p.reject(e);
      }
    }
    if (ready.length === 0) return;
    let providerMessageId: string | null;
    try {
      providerMessageId = await deps.send(ready.map((x) => x.p.item));
    } catch (error) {
      for (const { p, r } of ready) await settle(p, () => r.failed(error));
      return;
    }
    // A crash from here until every record is written leaves those items' claims to go stale:
    // each is then settled on its own by the next attempt (README: 'uncertain', never resent).
    for (const { p, r } of ready) await settle(p, () => r.sent(providerMessageId));
  }
}

function isRepeat<C>(p: Pending<C>): boolean {
  return isEscalationRepeat(p.item.delivery.notificationId);
}

async function settle<C>(p: Pending<C>, fn: () => Promise<SendOnceResult>): Promise<void> {
  try {
    p.resolve(await fn());
  } catch (e) {
    p.reject(e);
  }
}
