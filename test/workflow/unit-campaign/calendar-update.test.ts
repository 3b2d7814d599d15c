import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localDateOf, nextWorkingDay, shiftDeadline, yearOf } from '../../../domain/calendar/index.js';
import { loadPlanFile } from '../../../domain/plan/load-file.js';
import { calendarForPlan } from '../../../domain/schedule/index.js';
import { updateCalendarUpdate } from '../../../workflows/unit-campaign/messages.js';
import { mailText, mailsOf, sleepUntil, startHarness, waitForNotification, type Harness } from './support.js';
import { startUnit, unitControls } from './units.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/plans-good');
/** Recorded with the code before calendar updates existed (UPDATE_HISTORIES=1 re-records it). */
export const CALENDAR_HISTORY_FILE = path.resolve(
  import.meta.dirname,
  '../../histories/steps_before_calendar_update.json',
);
const HOUR = 3_600_000;

async function stepsPlan() {
  const loaded = await loadPlanFile(path.join(FIXTURES, 'steps_mini.yaml'));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  return loaded.plan;
}

describe("unit campaign: next year's holidays arrive in a running unit (time-skipping)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await copyFile(path.join(FIXTURES, 'steps_mini.yaml'), path.join(h.plansDir, 'steps_mini.yaml'));
  });
  afterEach(async () => h?.close());

  async function start() {
    const { handle, wf } = await startUnit(h, 'steps_mini', { prefix: 'calendar' });
    return { handle, wf, ...(await unitControls(handle)) };
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

  it("a calendar update makes a running unit's deadline a holiday: the deadline moves by the plan's rule, the unit is told, the timeline says why", async () => {
    const plan = await stepsPlan();
    const { handle, wf, status, submit, first } = await start();
    const appraisal = first.tasks.find((t) => t.taskId === 'public_appraisal')!;
    const day = localDateOf(calendarForPlan(plan), appraisal.dueAt);
    const year = yearOf(day);
    const update = {
      year,
      version: 1,
      hash: 'sha256:test-holiday-year-1',
      source: `国务院办公厅关于${year}年部分节假日安排的通知（测试）`,
      days: [{ date: day, working: false, note: '测试节' }],
    };
    // What the plan's rule (previous_working_day) gives on the new calendar.
    const cal = calendarForPlan(plan, update.days);
    const expected = shiftDeadline(cal, day, plan.deadlineOnHoliday);
    expect(expected).not.toBe(day);

    const ack = await handle.executeUpdate(updateCalendarUpdate, { args: [update] });
    expect(ack).toEqual({ applied: true, moved: 1 });
    const after = await status();
    const moved = after.tasks.find((t) => t.taskId === 'public_appraisal')!;
    expect(localDateOf(cal, moved.dueAt)).toBe(expected);
    // The task whose deadline is a working day keeps it.
    expect(after.tasks.find((t) => t.taskId === 'analysis_report')!.dueAt).toBe(
      first.tasks.find((t) => t.taskId === 'analysis_report')!.dueAt,
    );
    const entry = after.timeline.find((e) => e.kind === 'dates_moved');
    expect(entry?.text).toContain('「认真组织对分析检查报告的群众评议」');
    expect(entry?.text).toContain('测试节');
    // The same version again changes nothing.
    expect(await handle.executeUpdate(updateCalendarUpdate, { args: [update] })).toEqual({
      applied: false,
      moved: 0,
    });

    const id = `${wf}/calendar/${year}/v1/dates_moved`;
    const to = await waitForNotification(h.mailbox, wf, id);
    expect(to).toEqual(expect.arrayContaining(['liaison@dawei.example.cn', 'head@dawei.example.cn']));
    const [y, m, d] = expected.split('-').map(Number);
    expect(mailText(h.mailbox, id)).toContain(`调整为${y}年${m}月${d}日`);
    expect(mailText(h.mailbox, id)).toContain('测试节');

    await sleepUntil(h.env, Date.parse(first.stages[0]!.opensAt) + HOUR);
    await submit('analysis_report');
    await submit('public_appraisal');
    expect(await handle.result()).toMatchObject({ outcome: 'completed' });
    expect(mailsOf(h.mailbox, wf).filter((g) => g.id.endsWith('/dates_moved'))).toHaveLength(1);
  });

  it('a unit none of whose dates fall on the new holidays is told nothing', async () => {
    const cal = calendarForPlan(await stepsPlan());
    const { handle, wf, status, submit, first } = await start();
    const dueDates = new Set(first.tasks.map((t) => localDateOf(cal, t.dueAt)));
    const report = first.tasks.find((t) => t.taskId === 'analysis_report')!;
    // A working day after the report's deadline that is no task's deadline.
    let day = nextWorkingDay(cal, localDateOf(cal, report.dueAt));
    for (let i = 0; i < 10 && dueDates.has(day); i++) day = nextWorkingDay(cal, day);
    expect(dueDates.has(day)).toBe(false);
    const ack = await handle.executeUpdate(updateCalendarUpdate, {
      args: [
        {
          year: yearOf(day),
          version: 3,
          hash: 'sha256:test-holiday-year-3',
          source: '国务院办公厅关于部分节假日安排的通知（测试）',
          days: [{ date: day, working: false, note: '测试节' }],
        },
      ],
    });
    expect(ack).toEqual({ applied: true, moved: 0 });
    const after = await status();
    expect(after.tasks.map((t) => t.dueAt)).toEqual(first.tasks.map((t) => t.dueAt));
    expect(after.timeline.some((e) => e.kind === 'calendar_updated')).toBe(true);
    expect(after.timeline.some((e) => e.kind === 'dates_moved')).toBe(false);
    await sleepUntil(h.env, Date.parse(first.stages[0]!.opensAt) + HOUR);
    await submit('analysis_report');
    await submit('public_appraisal');
    expect(await handle.result()).toMatchObject({ outcome: 'completed' });
    expect(mailsOf(h.mailbox, wf).some((g) => g.id.includes('/calendar/'))).toBe(false);
  });

  it('refuses a payload that is not a year of dates, in Chinese, naming the field', async () => {
    const { handle } = await start();
    const refused = await handle
      .executeUpdate(updateCalendarUpdate, {
        args: [
          {
            year: 2027,
            version: 1,
            hash: 'h',
            source: '通知',
            days: [{ date: '2028-01-01', working: false }],
          },
        ],
      })
      .then(
        () => undefined,
        (e: unknown) => e as Error & { cause?: Error },
      );
    expect(refused?.cause?.message).toContain('days[0].date：2028-01-01 不在 2027 年内');
    await handle.terminate();
  });
});
