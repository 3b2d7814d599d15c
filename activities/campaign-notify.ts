/**
 * The campaign workflow sends every notification due at one instant in a single activity call:
 * one history event group per instant instead of one per message, which keeps a six-month
 * campaign inside its history budget. Items go out one after another so mail order is stable,
 * unless mails are bundled per person (NOTIFY_BUNDLE_WINDOW_MS, activities/notify/bundle.ts):
 * then all items are handed over at once, so one unit's items for one person share one mail too.
 * The results keep the input's order either way.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { QuietHoursSpec } from '../domain/routing/quiet-spec.js';
import type { DeliverNotificationInput, DeliveryReport } from './notify/types.js';

export interface BatchItemResult {
  notificationId: string;
  report?: DeliveryReport;
  /** A permanent fault (template cannot render, invalid input): recorded, never retried. */
  error?: string;
  /**
   * When the item was settled (the activity's clock, UTC ISO). The workflow moves its logical clock
   * forward to it: a time it can replay, unlike the activation's own clock (docs/workflow.md).
   */
  settledAt?: string;
}

type Deliver = (input: DeliverNotificationInput) => Promise<DeliveryReport>;

/** What every item of one batch shares (the unit's plan quiet hours), sent once instead of per item. */
export interface BatchCommon {
  quietHours?: QuietHoursSpec;
}

export function createCampaignNotifyActivities(
  deliver: Deliver | undefined,
  clock: { now(): Date } = { now: () => new Date() },
  options: { concurrent?: boolean } = {},
) {
  return {
    async deliverNotifications(
      inputs: DeliverNotificationInput[],
      common: BatchCommon = {},
    ): Promise<BatchItemResult[]> {
      if (!deliver)
        throw ApplicationFailure.nonRetryable(
          '通知未配置：worker 启动时没有提供 notify 依赖',
          'NotifyNotConfigured',
        );
      const out: BatchItemResult[] = [];
      // Alive while it works, whatever a provider call costs: the workflow's 10 s heartbeat timeout
      // then means "the worker died", and the retry comes at once (see workflow.ts).
      const beat = setInterval(() => heartbeat(out.length), HEARTBEAT_EVERY_MS);
      try {
        await deliverAll(inputs, common, out);
      } finally {
        clearInterval(beat);
      }
      return out;
    },
  };

  async function deliverAll(
    inputs: DeliverNotificationInput[],
    common: BatchCommon,
    out: BatchItemResult[],
  ): Promise<void> {
    const one = async (item: DeliverNotificationInput): Promise<BatchItemResult> => {
      const input: DeliverNotificationInput =
        item.quietHours || !common.quietHours ? item : { ...item, quietHours: common.quietHours };
      try {
        const report = await deliver!(input);
        return { notificationId: input.notificationId, report, settledAt: clock.now().toISOString() };
      } catch (e) {
        // Transient faults fail the whole batch so Temporal retries it; the delivery log makes
        // the retry skip what already went out.
        if (e instanceof ApplicationFailure && e.nonRetryable)
          return {
            notificationId: input.notificationId,
            error: e.message,
            settledAt: clock.now().toISOString(),
          };
        throw e;
      }
    };
    if (!options.concurrent) {
      for (const item of inputs) out.push(await one(item));
      return;
    }
    const settled = await Promise.allSettled(inputs.map(one));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const r of settled) if (r.status === 'fulfilled') out.push(r.value);
  }
}

const HEARTBEAT_EVERY_MS = 2_000;

function heartbeat(done: number): void {
  try {
    Context.current().heartbeat({ done });
  } catch {
    // Called outside an activity (unit tests): nothing to report to.
  }
}
