import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../domain/plan/schema.js';
import { calendarForPlan, computeReminders } from '../../../domain/schedule/index.js';
import { statusQuery } from '../../../workflows/unit-campaign/messages.js';
import {
  addressesFor,
  mailsOf,
  scheduleFor,
  startHarness,
  writeRelativePlan,
  type ExpectedMail,
  type Harness,
} from './support.js';
import { doEveryTaskOnTime, submitAt } from './on-time.js';
import { startUnit } from './units.js';

export const HISTORY_FILE = path.resolve(import.meta.dirname, '../../histories/town_office_on_time.json');
const HOUR = 3_600_000;

describe('acceptance: a 6-month 镇机关 campaign for one unit, start to archive (time-skipping)', () => {
  let h: Harness;
  let plan: Plan;
  beforeAll(async () => {
    h = await startHarness();
    plan = await writeRelativePlan(h.plansDir, 'town_office', 'town_office_rel');
  });
  afterAll(async () => h?.close());

  it('runs in seconds and sends exactly the expected emails, in order, without duplicates', async () => {
    const wall = Date.now();
    const startedAt = await h.env.currentTimeMs();
    const { input, wf, handle } = await startUnit(h, 'town_office_rel', { prefix: 'accept' });
    const schedule = scheduleFor(plan, input);

    // The unit does every task on its due day, two hours before closing; the 指导组 approves at once.
    const instants = await doEveryTaskOnTime(h.env, handle, schedule, (t) => `${t.title}已完成`);
    const result = await handle.result();
    expect(result).toMatchObject({
      outcome: 'completed',
      lateTasks: [],
      escalationsSent: 0,
      surveyRounds: 1,
      surveyOutcome: 'satisfied',
    });

    // Expected notifications, computed from the schedule.
    const expected: ExpectedMail[] = [
      {
        id: `${wf}/kickoff`,
        at: startedAt,
        rank: 0,
        to: addressesFor(input, ['liaison', 'unit_head', 'supervisor_group']),
      },
    ];
    schedule.stages.forEach((s, i) =>
      expected.push({
        id: `${wf}/stage/${s.stageId}/opened`,
        at: Date.parse(s.opensAt),
        rank: 1 + i / 100,
        to: addressesFor(input, ['liaison', 'unit_head']),
      }),
    );
    schedule.tasks.forEach((t, i) => {
      const stage = schedule.stages.find((s) => s.stageId === t.stageId)!;
      // A step in order (after) opens when its predecessors are done, and is reminded from then on.
      const openedAt = t.after
        ? new Date(
            Math.max(...t.after.map((p) => submitAt(schedule.tasks.find((x) => x.taskId === p)!))),
          ).toISOString()
        : undefined;
      const reminders = openedAt
        ? computeReminders(calendarForPlan(plan), plan.reminders, openedAt, t.dueAt)
        : t.reminders;
      reminders.forEach((r, n) => {
        // Sent before the task is submitted; one that opens at that very instant still hears of it first.
        if (
          Date.parse(r.at) > submitAt(t) ||
          (Date.parse(r.at) === submitAt(t) && r.at !== openedAt && !(openedAt && r.kind === 'opened'))
        )
          return;
        if (r.kind === 'opened' && !openedAt && t.opensAt === stage.opensAt) return;
        // Queued when the last predecessor is submitted: after the approvals of tasks submitted before it.
        const after = t.after
          ? Math.max(...t.after.map((p) => schedule.tasks.findIndex((x) => x.taskId === p)))
          : -1;
        const rank = openedAt && r.at === reminders[0]!.at ? 3 + after / 100 + 0.005 : 2 + i / 100;
        expected.push({
          id: `${wf}/task/${t.taskId}/v0/reminder/${n}`,
          at: Date.parse(r.at),
          rank,
          to: addressesFor(input, r.to),
        });
      });
      // The review loop: the 指导组 is told of the submission, then the unit of the approval.
      if (t.needsReview)
        expected.push({
          id: `${wf}/task/${t.taskId}/submitted/1`,
          at: submitAt(t),
          rank: 3 + i / 100,
          to: addressesFor(input, ['supervisor_group']),
        });
      if (t.needsReview)
        expected.push({
          id: `${wf}/task/${t.taskId}/approved/1`,
          at: submitAt(t),
          rank: 3.001 + i / 100,
          to: addressesFor(input, ['liaison', 'unit_head']),
        });
      if (t.kind === 'satisfaction_survey')
        expected.push({
          id: `${wf}/survey/1/result`,
          at: submitAt(t),
          rank: 3 + i / 100,
          to: addressesFor(input, plan.satisfaction!.reportTo),
        });
    });
    const last = Math.max(...instants);
    expected.push({
      id: `${wf}/completed`,
      at: last,
      rank: 9,
      to: addressesFor(input, ['office', 'supervisor_group', 'unit_head']),
    });
    expected.sort((a, b) => a.at - b.at || a.rank - b.rank);
    const total = expected.reduce((n, e) => n + e.to.length, 0);

    await h.mailbox.waitFor(
      h.mailbox.messages().length - mailsOf(h.mailbox, wf).reduce((n, g) => n + g.to.length, 0) + total,
      20_000,
    );
    const actual = mailsOf(h.mailbox, wf);
    expect(actual.map((g) => g.id)).toEqual(expected.map((e) => e.id));
    expect(actual.map((g) => [...g.to].sort())).toEqual(expected.map((e) => [...e.to].sort()));
    expect(actual.reduce((n, g) => n + g.to.length, 0)).toBe(total);
    expect(expected.filter((e) => e.id.includes('/reminder/')).length).toBeGreaterThan(20);

    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ phase: 'completed', stage: 'done', overdueCount: 0, lookBackDone: true });
    // Six months of campaign (its wall time is printed below; speed lives in the benchmarks, not here).
    expect(Date.parse(status.timeline.at(-1)!.at) - startedAt).toBeGreaterThan(150 * 24 * HOUR);
    // The read model holds the final status: what the office reads once the workflow is gone.
    const published = (await h.status.get(input.campaignId, input.unit.id))!;
    expect(published).toMatchObject({ phase: 'completed', stage: 'done', run: status.run });
    expect(published.nextWakeAt).toBeUndefined();
    expect(published.earliestDueAt).toBeUndefined();
    expect(published.status.timeline).toEqual(status.timeline);

    const history = await handle.fetchHistory();
    const events = history.events?.length ?? 0;
    console.log(
      `town_office happy path: ${events} history events, ${expected.length} notifications, ${total} emails, ${Date.now() - wall} ms`,
    );
    expect(events).toBeLessThanOrEqual(600);
    if (process.env.UPDATE_HISTORIES === '1' || !existsSync(HISTORY_FILE)) {
      await mkdir(path.dirname(HISTORY_FILE), { recursive: true });
      await writeFile(HISTORY_FILE, JSON.stringify(history));
    }
  });
});
