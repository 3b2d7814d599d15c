/**
 * Test-only workflow code that records what the real unit workflow would not: the same workflow
 * type (`unitCampaignWorkflow`), but a `testDiverge` signal makes it start an extra (long) timer.
 * A unit driven by a worker running this bundle, then picked up by a worker with the real code,
 * fails its workflow task on every attempt (the real code schedules no such timer): a unit made
 * stuck on purpose, for the `campaign repair` test (test/integration/repair/).
 */
import { defineSignal, setHandler, sleep } from '@temporalio/workflow';
import { unitCampaignWorkflow as realUnitCampaignWorkflow } from '../../../workflows/unit-campaign/workflow.js';
import type { UnitCampaignInput, UnitCampaignResult } from '../../../workflows/unit-campaign/messages.js';

export const divergeSignal = defineSignal('testDiverge');

export async function unitCampaignWorkflow(input: UnitCampaignInput): Promise<UnitCampaignResult> {
  setHandler(divergeSignal, () => {
    // Never awaited: the point is only the TimerStarted command the real code does not issue.
    void sleep('1 hour');
  });
  return realUnitCampaignWorkflow(input);
}
