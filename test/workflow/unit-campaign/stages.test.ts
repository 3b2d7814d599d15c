import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../domain/plan/load-file.js';
import type { Plan } from '../../../domain/plan/schema.js';
import { calendarForPlan, computeReminders, deadlineAfter } from '../../../domain/schedule/index.js';
import type { WorkCalendar } from '../../../domain/calendar/index.js';
import { mailsOf, sleepUntil, startHarness, waitForNotification, type Harness } from './support.js';
import { startUnit, terminateAfterEach, unitControls } from './units.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/plans-good/staged_mini.yaml');

describe('unit campaign: stages opened by completion, continued rectification (time-skipping)', () => {
  let h: Harness;
  let plan: Plan;
  let cal: WorkCalendar;
  beforeEach(async () => {
    h = await startHarness();
    await copyFile(FIXTURE, path.join(h.plansDir, 'staged_mini.yaml'));
    const loaded = await loadPlanFile(FIXTURE);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    plan = loaded.plan;
    cal = calendarForPlan(plan);
  });
  afterEach(async () => h?.close());
  const started = terminateAfterEach();

  async function start() {
    const { handle, wf } = await startUnit(h, 'staged_mini');
    started.push(handle);
    // The status Query answers once the plan is loaded.
    const { status, submit, first } = await unitControls(handle);
    await sleepUntil(h.env, Date.parse(first.stages[0]!.opensAt) + HOUR);
    return { handle, wf, status, submit };
  }
  it('an after_previous stage stays closed past its scheduled date while the previous stage is unfinished, and opens when it completes', async () => {
    const { wf, status, submit } = await start();
    const scheduled = (await status()).stages.find((s) => s.stageId === 'analysis')!;
    // Two days past the date the analysis stage would open on the calendar.
    await sleepUntil(h.env, Date.parse(scheduled.opensAt) + 2 * DAY);
    const before = await status();
    expect(before.stages.find((s) => s.stageId === 'analysis')!.status).toBe('pending');
    expect(before.tasks.find((t) => t.taskId === 'analysis_report')!.status).toBe('pending');
    expect(mailsOf(h.mailbox, wf).some((m) => m.id === `${wf}/stage/analysis/opened`)).toBe(false);

    await submit('study_plan');
    const now = await h.env.currentTimeMs();
    const after = await status();
    const analysis = after.stages.find((s) => s.stageId === 'analysis')!;
    expect(analysis.status).toBe('open');
    expect(Math.abs(Date.parse(analysis.opensAt) - now)).toBeLessThan(HOUR);
    const task = after.tasks.find((t) => t.taskId === 'analysis_report')!;
    expect(task.status).toBe('open');
    // Its window (due +10d) counts from the actual opening, not from the schedule.
    expect(Date.parse(task.dueAt)).toBeGreaterThan(Date.parse(scheduled.dueAt));
    await waitForNotification(h.mailbox, wf, `${wf}/stage/analysis/opened`);
  });

  it('continued rectification: progress reports open and are reminded one interval after another for the plan’s period, then 资料归档', async () => {
    const { handle, wf, status, submit } = await start();
    const scheduledAnalysis = (await status()).stages.find((s) => s.stageId === 'analysis')!;
    await submit('study_plan');
    // Completing early opens the next stage early.
    const early = (await status()).stages.find((s) => s.stageId === 'analysis')!;
    expect(early.status).toBe('open');
    expect(Math.abs(Date.parse(early.opensAt) - (await h.env.currentTimeMs()))).toBeLessThan(HOUR);
    expect(Date.parse(early.opensAt)).toBeLessThan(Date.parse(scheduledAnalysis.opensAt));
    await submit('analysis_report');

    const rect = (await status()).stages.find((s) => s.stageId === 'rectification')!;
    await sleepUntil(h.env, Date.parse(rect.opensAt) + HOUR);
    await submit('summary_report');
    let s = await status();
    const summaryAt = s.tasks.find((t) => t.taskId === 'summary_report')!.completedAt!;
    const progress = s.tasks.filter((t) => t.origin === 'progress');
    // 60 days, a report every 20 days.
    expect(progress.map((t) => t.taskId)).toEqual(['progress_1', 'progress_2', 'progress_3']);
    expect(progress.map((t) => t.status)).toEqual(['open', 'pending', 'pending']);
    for (const [i, t] of progress.entries()) {
      // Due at office closing of the 20th, 40th, 60th day after the summary (earlier if that is a holiday).
      expect(t.dueAt).toBe(deadlineAfter(plan, cal, null, summaryAt, `${20 * (i + 1)}d`));
      if (i > 0) expect(t.opensAt).toBe(progress[i - 1]!.dueAt);
    }
    // The archive waits for the end of continued rectification.
    const archive = s.tasks.find((t) => t.taskId === 'archive')!;
    expect(archive.status).toBe('pending');
    expect(Date.parse(archive.opensAt)).toBeGreaterThanOrEqual(Date.parse(progress[2]!.dueAt) - DAY);
    await expect(submit('archive')).rejects.toThrow();

    for (const [i, t] of progress.entries()) {
      const next = progress[i + 1];
      await sleepUntil(h.env, Date.parse(t.dueAt) - 2 * HOUR);
      s = await status();
      expect(s.tasks.find((x) => x.taskId === t.taskId)!.status).toBe('open');
      if (next) {
        expect(s.tasks.find((x) => x.taskId === next.taskId)!.status).toBe('pending');
        expect(mailsOf(h.mailbox, wf).some((m) => m.id.startsWith(`${wf}/task/${next.taskId}/`))).toBe(false);
      }
      await submit(t.taskId);
      if (next) {
        await sleepUntil(h.env, Date.parse(next.opensAt) + HOUR);
        expect((await status()).tasks.find((x) => x.taskId === next.taskId)!.status).toBe('open');
        // Opened reminder at its own opening (the next office moment), to the plan's reminder recipients.
        const [onOpen] = computeReminders(cal, plan.reminders, next.opensAt, next.dueAt);
        await sleepUntil(h.env, Date.parse(onOpen!.at) + HOUR);
        expect(await waitForNotification(h.mailbox, wf, `${wf}/task/${next.taskId}/v0/reminder/0`)).toEqual([
          'liaison@dawei.example.cn',
        ]);
      }
    }
    // Reports were reminded the working day before each was due.
    for (const t of progress)
      expect(mailsOf(h.mailbox, wf).some((m) => m.id === `${wf}/task/${t.taskId}/v0/reminder/1`)).toBe(true);

    await sleepUntil(h.env, Date.parse(archive.opensAt) + HOUR);
    expect((await status()).tasks.find((x) => x.taskId === 'archive')!.status).toBe('open');
    await submit('archive');
    await expect(handle.result()).resolves.toMatchObject({
      outcome: 'completed',
      lateTasks: [],
      escalationsSent: 0,
    });
  });
});
