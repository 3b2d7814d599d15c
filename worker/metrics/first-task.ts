/** The worker's side of workflows/metrics-interceptor.ts: first-task latency per workflow type. */
import type { MetricMeter } from '@temporalio/common';
import type { InjectedSinks } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { CampaignMetricsSinks } from '../../workflows/metrics-interceptor.js';

export const metricsInterceptorModule = fileURLToPath(
  new URL('../../workflows/metrics-interceptor.ts', import.meta.url),
);

export function firstTaskSinks(
  meter: MetricMeter,
  now: () => number = Date.now,
): InjectedSinks<CampaignMetricsSinks> {
  const latency = meter.createHistogram(
    'campaign_workflow_first_task_latency_seconds',
    'float',
    's',
    'From a workflow run starting to its first workflow task running on a worker',
  );
  return {
    campaignMetrics: {
      firstTask: {
        fn: (info) =>
          latency.record(Math.max(0, now() - info.startTime.getTime()) / 1000, {
            workflow_type: info.workflowType,
          }),
        callDuringReplay: false,
      },
    },
  };
}
