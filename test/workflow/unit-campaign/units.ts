/**
 * Starting the test unit in the unit campaign workflow tests: one fresh campaign per start, the
 * unit's workflow on the harness's task queue, and the small request shapes every test sends.
 */
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach } from 'vitest';
import { loadPlanFile } from '../../../domain/plan/load-file.js';
import type { Plan } from '../../../domain/plan/schema.js';
import { unitWorkflowId } from '../../../workflows/ids.js';
import {
  statusQuery,
  submitDeliverableUpdate,
  type SubmitDeliverableRequest,
  type UnitCampaignInput,
  type UnitCampaignStatus,
} from '../../../workflows/unit-campaign/messages.js';
import { unitCampaignWorkflow } from '../../../workflows/unit-campaign/workflow.js';
import { uniqueName } from '../../support/unique.js';
import { FILE_REF, PEOPLE, campaignInput, type Harness } from './support.js';

export const PLAN_FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/plans-good');

/** Copies a plan of test/fixtures/plans-good into the harness's plans and returns it parsed. */
export async function useFixturePlan(h: Harness, file: string): Promise<Plan> {
  await copyFile(path.join(PLAN_FIXTURES, file), path.join(h.plansDir, file));
  const loaded = await loadPlanFile(path.join(PLAN_FIXTURES, file));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  return loaded.plan;
}

export interface StartUnitOptions {
  /** Prefix of the fresh campaign id. */
  prefix?: string;
  /** Changes the test input before the run starts (mobiles, a group leader, bad addresses …). */
  edit?: (input: UnitCampaignInput) => UnitCampaignInput;
}

/** Starts the test unit (大圩镇机关) of a fresh campaign on `planId`. */
export async function startUnit(h: Harness, planId: string, options: StartUnitOptions = {}) {
  const campaignId = uniqueName(options.prefix ?? 'c');
  const base = await campaignInput(h, planId, campaignId);
  const input = options.edit ? options.edit(base) : base;
  const wf = unitWorkflowId(campaignId, 'dawei');
  const handle = await h.env.client.workflow.start(unitCampaignWorkflow, {
    taskQueue: h.taskQueue,
    workflowId: wf,
    args: [input],
  });
  return { campaignId, input, wf, handle };
}

export type UnitHandle = Awaited<ReturnType<typeof startUnit>>['handle'];

/** The test input with its first group member (张组长) marked as the group's 组长. */
export function withGroupLeader(input: UnitCampaignInput): UnitCampaignInput {
  return {
    ...input,
    unit: {
      ...input.unit,
      group: {
        ...input.unit.group,
        members: input.unit.group.members.map((m, i) => ({ ...m, role: i === 0 ? 'leader' : 'member' })),
      },
    },
  };
}

/** The liaison's submission of `taskId` with one file. */
export function submission(taskId: string, summary = '已完成'): SubmitDeliverableRequest {
  return { taskId, submittedBy: PEOPLE.liaison, summary, fileRefs: [FILE_REF] };
}

/** The liaison submits `taskId` and the status query reads it; the first status waits for the plan to load. */
export async function unitControls(handle: UnitHandle) {
  const status = async () => handle.query(statusQuery);
  const submit = (taskId: string) =>
    handle.executeUpdate(submitDeliverableUpdate, { args: [submission(taskId)] });
  let first: UnitCampaignStatus | undefined;
  for (let i = 0; !first; i++) {
    first = await status().catch(async (e: unknown) => {
      if (i >= 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
      return undefined;
    });
  }
  return { status, submit, first };
}

/**
 * Runs a test started terminates after it (a failed test must not leave its unit escalating
 * through the months the next test skips). Call inside the describe; push every handle.
 */
export function terminateAfterEach(): { push(handle: UnitHandle): void } {
  const started: UnitHandle[] = [];
  afterEach(async () => {
    for (const w of started.splice(0).reverse())
      if ((await w.describe()).status.name === 'RUNNING') await w.terminate('test done');
  });
  return { push: (handle) => started.push(handle) };
}
