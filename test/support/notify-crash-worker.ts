/**
 * A worker process that hosts only the notification activities, configured like the production
 * worker (the notify environment variables, read by loadNotifyConfig). Used by
 * test/integration/notify-worker-crash.test.ts, which kills one of these mid-send.
 *
 *   TEMPORAL_ADDRESS, CRASH_TASK_QUEUE   where to poll
 *   CRASH_CLAIM_LEASE_MS                 claim lease (the config's minimum is 10 s; tests need less)
 *   CRASH_KILL_AT_SENT=N                 SIGKILL itself once N deliveries wait to record 'sent':
 *                                        every provider has accepted, nothing is recorded
 *
 * Prints one JSON object per line on stdout: {ev:'ready'|'attempt'|'done'|'failed'|'killing', at, …}.
 */
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createCampaignNotifyActivities } from '../../activities/campaign-notify.js';
import {
  createNotificationActivities,
  loadNotifyConfig,
  notificationDepsFromConfig,
  type DeliveryLog,
} from '../../activities/notify/index.js';

function emit(ev: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ ev, at: Date.now(), pid: process.pid, ...extra })}\n`);
}

/**
 * Deliveries of one notification run concurrently, so dying at the first 'sent' would catch the
 * others at random points. Holding each 'sent' commit until all N have one pending puts every
 * delivery in the same place: accepted by its provider, not recorded.
 */
function killedBeforeRecording(inner: DeliveryLog, n: number): DeliveryLog {
  let pending = 0;
  return {
    ...inner,
    markSent: () => {
      pending += 1;
      if (pending >= n) {
        emit('killing', { pending });
        process.kill(process.pid, 'SIGKILL');
      }
      return new Promise<never>(() => undefined);
    },
  };
}

const address = process.env.TEMPORAL_ADDRESS;
const taskQueue = process.env.CRASH_TASK_QUEUE;
if (!address || !taskQueue) throw new Error('TEMPORAL_ADDRESS and CRASH_TASK_QUEUE are required');
const killAt = Number(process.env.CRASH_KILL_AT_SENT ?? 0);
const leaseMs = Number(process.env.CRASH_CLAIM_LEASE_MS ?? 0);

const built = await notificationDepsFromConfig(loadNotifyConfig());
const deps = {
  ...built.deps,
  deliveryLog: killAt > 0 ? killedBeforeRecording(built.deps.deliveryLog, killAt) : built.deps.deliveryLog,
  settings: { ...built.deps.settings, ...(leaseMs > 0 ? { claimLeaseMs: leaseMs } : {}) },
};
const notification = createNotificationActivities(deps);
const campaign = createCampaignNotifyActivities((i) => notification.deliverNotification(i));

const connection = await NativeConnection.connect({ address });
try {
  const worker = await Worker.create({
    connection,
    taskQueue,
    activities: {
      async deliverNotifications(...args: Parameters<typeof campaign.deliverNotifications>) {
        const attempt = Context.current().info.attempt;
        const started = Date.now();
        emit('attempt', { attempt });
        try {
          const result = await campaign.deliverNotifications(...args);
          emit('done', { attempt, ms: Date.now() - started });
          return result;
        } catch (e) {
          emit('failed', { attempt, ms: Date.now() - started, error: String(e) });
          throw e;
        }
      },
    },
  });
  emit('ready');
  await worker.run();
} finally {
  await Promise.allSettled([connection.close(), built.close()]);
}
