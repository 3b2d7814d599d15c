/** The worker's side of workflows/metrics-interceptor.ts: first-task latency per workflow type. */
import type { MetricMeter } from '@temporalio/common';
import type { InjectedSinks } from '@temporalio/worker';
import path from 'node:path';
import { repoRoot } from '../../toolchain/paths.js';
import type { CampaignMetricsSinks } from '../../workflows/metrics-interceptor.js';

export const metricsInterceptorModule = path.join(repoRoot, 'workflows', 'metrics-interceptor.ts');

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
