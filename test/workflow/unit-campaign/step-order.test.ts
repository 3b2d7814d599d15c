import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unitWorkflowId } from '../../../workflows/ids.js';
import { statusQuery, submitDeliverableUpdate } from '../../../workflows/unit-campaign/messages.js';
import { unitCampaignWorkflow } from '../../../workflows/unit-campaign/workflow.js';
import { uniqueName } from '../../support/unique.js';
import { FILE_REF, PEOPLE, campaignInput, sleepUntil, startHarness, type Harness } from './support.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/plans-good');
/** Recorded with the code before step order existed (UPDATE_HISTORIES=1 re-records it; see docs/versioning.md). */
export const STEPS_HISTORY_FILE = path.resolve(import.meta.dirname, '../../histories/steps_before_step_order.json');
const HOUR = 3_600_000;

describe('unit campaign: steps in order, with their own durations (time-skipping)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    for (const f of ['steps_mini.yaml']) await copyFile(path.join(FIXTURES, f), path.join(h.plansDir, f));
  });
  afterEach(async () => h?.close());

  async function start(planId: string) {
    const campaignId = uniqueName('steps');
    const input = await campaignInput(h, planId, campaignId);
    const wf = unitWorkflowId(campaignId, 'dawei');
    const handle = await h.env.client.workflow.start(unitCampaignWorkflow, { taskQueue: h.taskQueue, workflowId: wf, args: [input] });
    const status = async () => handle.query(statusQuery);
    const submit = (taskId: string) => handle.executeUpdate(submitDeliverableUpdate, { args: [{ taskId, submittedBy: PEOPLE.liaison, summary: '已完成', fileRefs: [FILE_REF] }] });
    let first: Awaited<ReturnType<typeof status>> | undefined;
    for (let i = 0; !first; i++) {
      first = await status().catch(async (e: unknown) => {
        if (i >= 50) throw e;
        await new Promise((r) => setTimeout(r, 100));
        return undefined;
      });
    }
    return { handle, wf, status, submit, first };
  }

  it('a plan without step order runs as before (its history is the replay fixture of the step-order change)', async () => {
    const { handle, status, submit, first } = await start('steps_mini');
    const report = first.tasks.find((t) => t.taskId === 'analysis_report')!;
    const appraisal = first.tasks.find((t) => t.taskId === 'public_appraisal')!;
    await sleepUntil(h.env, Date.parse(report.dueAt) - 2 * HOUR);
    await submit('analysis_report');
    // One working day before its own (stage) due date: the reminder of the second step.
    await sleepUntil(h.env, Date.parse(appraisal.dueAt) - 2 * HOUR);
    await submit('public_appraisal');
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', lateTasks: [] });
    expect((await status()).phase).toBe('completed');
    if (process.env.UPDATE_HISTORIES === '1' || !existsSync(STEPS_HISTORY_FILE)) {
      await mkdir(path.dirname(STEPS_HISTORY_FILE), { recursive: true });
      await writeFile(STEPS_HISTORY_FILE, JSON.stringify(await handle.fetchHistory()));
    }
  });
});
