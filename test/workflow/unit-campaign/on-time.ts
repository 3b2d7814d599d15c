/**
 * The unit that does everything on time, shared by the acceptance test and the history benchmark:
 * every task two hours before closing on its due day, the 指导组 approving at once, the survey
 * recorded on its day. No vitest import: the benchmark runs it under tsx.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Schedule, ScheduledTask } from '../../../domain/schedule/index.js';
import {
  recordSurveyUpdate,
  reviewDeliverableUpdate,
  submitDeliverableUpdate,
} from '../../../workflows/unit-campaign/messages.js';
import type { unitCampaignWorkflow } from '../../../workflows/unit-campaign/workflow.js';
import type { WorkflowHandle } from '@temporalio/client';
import { FILE_REF, PEOPLE, sleepUntil } from './support.js';

const HOUR = 3_600_000;

/** When the on-time unit submits `t`: two hours before its due instant. */
export const submitAt = (t: ScheduledTask): number => Date.parse(t.dueAt) - 2 * HOUR;

/** Drives the unit through every task of `schedule` on time; returns the instants it acted at. */
export async function doEveryTaskOnTime(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle<typeof unitCampaignWorkflow>,
  schedule: Schedule,
  summaryOf: (t: ScheduledTask) => string = () => '已完成',
): Promise<number[]> {
  const instants = [...new Set(schedule.tasks.map(submitAt))].sort((a, b) => a - b);
  for (const at of instants) {
    await sleepUntil(env, at);
    for (const t of schedule.tasks.filter((x) => submitAt(x) === at)) {
      if (t.kind === 'satisfaction_survey') {
        await handle.executeUpdate(recordSurveyUpdate, {
          args: [
            {
              by: PEOPLE.reviewer,
              satisfied: 80,
              basicallySatisfied: 15,
              dissatisfied: 5,
              respondents: 100,
              method: '无记名投票',
            },
          ],
        });
        continue;
      }
      await handle.executeUpdate(submitDeliverableUpdate, {
        args: [
          { taskId: t.taskId, submittedBy: PEOPLE.liaison, summary: summaryOf(t), fileRefs: [FILE_REF] },
        ],
      });
      if (t.needsReview)
        await handle.executeUpdate(reviewDeliverableUpdate, {
          args: [{ taskId: t.taskId, reviewedBy: PEOPLE.reviewer, decision: 'approve' }],
        });
    }
  }
  return instants;
}
