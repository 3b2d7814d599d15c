/**
 * Notifications sent, failed, uncertain (and retried, deferred) per channel, counted where the
 * outcome is written: a DeliveryLog that passes everything to the real one and counts each outcome
 * it recorded. A counter moves only after the log accepted the outcome, so a lost claim (another
 * attempt took over) is not counted twice.
 */
import type { MetricMeter } from '@temporalio/common';
import type { DeliveryLog, Outcome } from '../../activities/notify/log/delivery-log.js';

const OUTCOMES = ['sent', 'failed', 'uncertain', 'retrying', 'deferred'] as const;
type Counted = (typeof OUTCOMES)[number];

export function countDeliveries(log: DeliveryLog, meter: MetricMeter): DeliveryLog {
  const counters = Object.fromEntries(
    OUTCOMES.map((o) => [
      o,
      meter.createCounter(
        `campaign_notifications_${o}`,
        '',
        `Notification deliveries recorded as ${o}, by channel`,
      ),
    ]),
  ) as Record<Counted, ReturnType<MetricMeter['createCounter']>>;
  // The channel of each claim this worker holds (every outcome follows a claim of the same attempt).
  const channelOf = new Map<string, string>();
  const count = async (what: Counted, o: Outcome, write: () => Promise<void>) => {
    await write();
    const channel = channelOf.get(o.claimToken) ?? (await log.get(o.deliveryKey))?.channel ?? 'unknown';
    channelOf.delete(o.claimToken);
    counters[what].add(1, { channel });
  };
  return {
    ...log,
    async claim(req) {
      const r = await log.claim(req);
      if (r.kind === 'claimed') channelOf.set(req.claimToken, req.channel);
      return r;
    },
    markSent: (o) => count('sent', o, () => log.markSent(o)),
    markFailed: (o) => count('failed', o, () => log.markFailed(o)),
    markUncertain: (o) => count('uncertain', o, () => log.markUncertain(o)),
    markRetrying: (o) => count('retrying', o, () => log.markRetrying(o)),
    markDeferred: (o) => count('deferred', o, () => log.markDeferred(o)),
    get: (k) => log.get(k),
    attempts: (k) => log.attempts(k),
    problems: (q) => log.problems(q),
    resolve: (r) => log.resolve(r),
    close: () => log.close(),
  };
}
