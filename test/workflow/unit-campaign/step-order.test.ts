import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../domain/plan/load-file.js';
import {
  addPlanDuration,
  calendarForPlan,
  computeReminders,
  computeEscalations,
} from '../../../domain/schedule/index.js';
import { mailsOf, sleepUntil, startHarness, waitForNotification, type Harness } from './support.js';
import { startUnit, unitControls } from './units.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/plans-good');
/** Recorded with the code before step order existed (UPDATE_HISTORIES=1 re-records it; see docs/versioning.md). */
export const STEPS_HISTORY_FILE = path.resolve(
  import.meta.dirname,
  '../../histories/steps_before_step_order.json',
);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('unit campaign: steps in order, with their own durations (time-skipping)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    for (const f of ['steps_mini.yaml', 'steps_order_mini.yaml'])
      await copyFile(path.join(FIXTURES, f), path.join(h.plansDir, f));
  });
  afterEach(async () => h?.close());

  async function start(planId: string) {
    const { handle, wf } = await startUnit(h, planId, { prefix: 'steps' });
    return { handle, wf, ...(await unitControls(handle)) };
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

  it('a step after another opens when it is finished, is due its duration later, and is reminded and escalated on that date', async () => {
    const loaded = await loadPlanFile(path.join(FIXTURES, 'steps_order_mini.yaml'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const plan = loaded.plan;
    const cal = calendarForPlan(plan);
    const { wf, status, submit, first } = await start('steps_order_mini');
    const report = first.tasks.find((t) => t.taskId === 'analysis_report')!;
    const planned = first.tasks.find((t) => t.taskId === 'public_appraisal')!;
    const next = first.tasks.find((t) => t.taskId === 'opinions_summary')!;
    // Planned at launch: the report's due date plus 5 working days; the last step waits for the appraisal.
    expect(planned.opensAt).toBe(report.dueAt);
    expect(planned.dueAt).toBe(addPlanDuration(plan, cal, report.dueAt, '5wd'));
    expect(next.opensAt).toBe(planned.dueAt);
    expect(new Set(first.tasks.map((t) => `${t.opensAt}|${t.dueAt}`)).size).toBe(3);

    // The stage is open; the appraisal waits for the report and cannot be submitted yet.
    await sleepUntil(h.env, Date.parse(first.stages[0]!.opensAt) + 2 * HOUR);
    const waiting = (await status()).tasks.find((t) => t.taskId === 'public_appraisal')!;
    expect(waiting.status).toBe('pending');
    // Readers say what it waits for (等待前序步骤：…), not just 未开始.
    expect(waiting.waitingFor).toEqual([report.title]);
    const refused = await submit('public_appraisal').catch((e: unknown) => e as WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause?.message).toContain(
      '须在前序步骤「形成领导班子分析检查报告」完成后才能报送',
    );

    // The report comes in early, two days after the stage opened.
    await sleepUntil(h.env, Date.parse(first.stages[0]!.opensAt) + 2 * DAY + 2 * HOUR);
    await submit('analysis_report');
    const doneAt = new Date(await h.env.currentTimeMs()).toISOString();
    const after = await status();
    const appraisal = after.tasks.find((t) => t.taskId === 'public_appraisal')!;
    expect(appraisal.status).toBe('open');
    const due = addPlanDuration(plan, cal, doneAt, '5wd');
    expect(appraisal.dueAt).toBe(due);
    expect(Date.parse(appraisal.dueAt)).toBeLessThan(Date.parse(planned.dueAt));
    expect(appraisal.waitingFor).toBeUndefined();
    const lastWaiting = after.tasks.find((t) => t.taskId === 'opinions_summary')!;
    expect(lastWaiting.status).toBe('pending');
    expect(lastWaiting.waitingFor).toEqual([appraisal.title]);
    // Told that it opened (at the next office moment), then reminded one working day before its own
    // due date (not the stage's, not the planned one).
    const reminders = computeReminders(cal, plan.reminders, appraisal.opensAt, due);
    expect(reminders[0]!.kind).toBe('opened');
    await sleepUntil(h.env, Date.parse(reminders[0]!.at) + 1000);
    await waitForNotification(h.mailbox, wf, `${wf}/task/public_appraisal/v0/reminder/0`);
    const dayBefore = reminders.find((r) => r.kind === 'working_days_before')!;
    expect(dayBefore.at).not.toBe(
      computeReminders(cal, plan.reminders, planned.opensAt, planned.dueAt).find(
        (r) => r.kind === 'working_days_before',
      )!.at,
    );
    await sleepUntil(h.env, Date.parse(dayBefore.at) + HOUR);
    await waitForNotification(
      h.mailbox,
      wf,
      `${wf}/task/public_appraisal/v0/reminder/${reminders.indexOf(dayBefore)}`,
    );
    expect(mailsOf(h.mailbox, wf).some((m) => m.id.startsWith(`${wf}/task/opinions_summary/`))).toBe(false);

    // Not done by then: 催办 one working day after its own due date.
    const urge = computeEscalations(cal, plan.escalation, due)[0]!;
    await sleepUntil(h.env, Date.parse(urge.at) + HOUR);
    await waitForNotification(h.mailbox, wf, `${wf}/task/public_appraisal/v0/escalation/L1/0`);

    // Done late: the last step opens then, due with its stage.
    await submit('public_appraisal');
    const last = (await status()).tasks.find((t) => t.taskId === 'opinions_summary')!;
    expect(last.status).toBe('open');
    expect(last.dueAt).toBe(first.stages[0]!.dueAt);
    const lastReminders = computeReminders(cal, plan.reminders, last.opensAt, last.dueAt);
    await sleepUntil(h.env, Date.parse(lastReminders[0]!.at) + 1000);
    await waitForNotification(h.mailbox, wf, `${wf}/task/opinions_summary/v0/reminder/0`);
  });
});
