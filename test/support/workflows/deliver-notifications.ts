/**
 * Calls the real `deliverNotifications` activity once, with the unit campaign workflow's retry
 * policy (workflows/unit-campaign/workflow.ts). Only the timeouts are the test's own: seconds
 * instead of minutes, so that Temporal notices a killed worker within a test's patience.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../../activities/index.js';
import type { DeliverNotificationInput } from '../../../activities/notify/types.js';

export interface DeliverNotificationsInput {
  inputs: DeliverNotificationInput[];
  /** The queue of the worker process that hosts the activity (the one the test kills). */
  activityTaskQueue: string;
  heartbeatTimeoutMs: number;
  startToCloseTimeoutMs: number;
}

export async function deliverNotificationsWorkflow(
  input: DeliverNotificationsInput,
): ReturnType<Activities['deliverNotifications']> {
  const { deliverNotifications } = proxyActivities<Activities>({
    taskQueue: input.activityTaskQueue,
    startToCloseTimeout: input.startToCloseTimeoutMs,
    heartbeatTimeout: input.heartbeatTimeoutMs,
    retry: {
      initialInterval: '5 seconds',
      backoffCoefficient: 2,
      maximumInterval: '10 minutes',
      maximumAttempts: 12,
    },
  });
  return deliverNotifications(input.inputs);
}
