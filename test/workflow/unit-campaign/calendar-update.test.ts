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
/** Recorded with the code before calendar updates existed (UPDATE_HISTORIES=1 re-records it). */
export const CALENDAR_HISTORY_FILE = path.resolve(
  import.meta.dirname,
  '../../histories/steps_before_calendar_update.json',
);
const HOUR = 3_600_000;

describe('unit campaign: next year\'s holidays arrive in a running unit (time-skipping)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await copyFile(path.join(FIXTURES, 'steps_mini.yaml'), path.join(h.plansDir, 'steps_mini.yaml'));
  });
  afterEach(async () => h?.close());

  async function start() {
    const campaignId = uniqueName('calendar');
    const input = await campaignInput(h, 'steps_mini', campaignId);
    const wf = unitWorkflowId(campaignId, 'dawei');
    const handle = await h.env.client.workflow.start(unitCampaignWorkflow, {
      taskQueue: h.taskQueue,
      workflowId: wf,
      args: [input],
    });
    const status = async () => handle.query(statusQuery);
    const submit = (taskId: string) =>
      handle.executeUpdate(submitDeliverableUpdate, {
        args: [{ taskId, submittedBy: PEOPLE.liaison, summary: '已完成', fileRefs: [FILE_REF] }],
      });
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

  it('a unit that never receives a calendar runs as before (its history is the replay fixture of the calendar change)', async () => {
    const { handle, submit, first } = await start();
    const report = first.tasks.find((t) => t.taskId === 'analysis_report')!;
    await sleepUntil(h.env, Date.parse(report.dueAt) - 2 * HOUR);
    await submit('analysis_report');
    await submit('public_appraisal');
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', lateTasks: [] });
    if (process.env.UPDATE_HISTORIES === '1' || !existsSync(CALENDAR_HISTORY_FILE)) {
      await mkdir(path.dirname(CALENDAR_HISTORY_FILE), { recursive: true });
      await writeFile(CALENDAR_HISTORY_FILE, JSON.stringify(await handle.fetchHistory()));
    }
  });
});
