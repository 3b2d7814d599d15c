/**
 * Tells the worker when a workflow run's first task runs, through a sink (fire-and-forget, not
 * called on replay), so the worker can publish first-task latency: how long a unit waited between
 * being started and its first workflow task. It only reads workflowInfo(); it adds no command, so
 * histories recorded with or without it replay the same. Included by `npm run bundle`.
 */
import { proxySinks, workflowInfo, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export interface CampaignMetricsSinks extends Sinks {
  campaignMetrics: {
    /** Called once per run, when its first task executes. */
    firstTask(): void;
  };
}

const { campaignMetrics } = proxySinks<CampaignMetricsSinks>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        if (!workflowInfo().unsafe.isReplaying) campaignMetrics.firstTask();
        return next(input);
      },
    },
  ],
});
