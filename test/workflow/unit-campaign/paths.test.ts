import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, nextWorkingDay } from '../../../domain/calendar/index.js';
import type { Plan } from '../../../domain/plan/schema.js';
import {
  calendarForPlan,
  computeEscalations,
  deadlineAfter,
  nextEscalationRepeat,
} from '../../../domain/schedule/index.js';
import { statusAsOf } from '../../../app/status/as-of.js';
import {
  acknowledgeEscalationUpdate,
  addGapItemUpdate,
  extendDeadlineUpdate,
  recordSurveyUpdate,
  reviewDeliverableUpdate,
  statusQuery,
  submitDeliverableUpdate,
  waiveTaskUpdate,
  type UnitCampaignInput,
} from '../../../workflows/unit-campaign/messages.js';
import {
  PEOPLE,
  addressesFor,
  mailText,
  mailsOf,
  scheduleFor,
  sleepUntil,
  startHarness,
  waitForNotification,
  writeRelativePlan,
  type Harness,
} from './support.js';
import { startUnit, submission, terminateAfterEach } from './units.js';

const DAY = 86_400_000;

describe('unit campaign paths (time-skipping)', () => {
  let h: Harness;
  let plan: Plan;
  // One server per test: a long skip in one test must not drag another's leftovers through months.
  beforeEach(async () => {
    h = await startHarness();
    plan = await writeRelativePlan(h.plansDir, 'town_office', 'town_paths');
  });
  afterEach(async () => h?.close());
  // A failed test must not leave its unit escalating through the months the next test skips.
  const started = terminateAfterEach();

  async function start(extra: Partial<UnitCampaignInput> = {}) {
    const { input, handle, wf } = await startUnit(h, 'town_paths', {
      edit: (base) => ({ ...base, ...extra }),
    });
    started.push(handle);
    return { handle, input, schedule: scheduleFor(plan, input), wf };
  }
  const submit = (taskId: string) => ({ args: [submission(taskId)] as [never] });

  it('climbs every escalation level with the right recipients, repeats the last, and an acknowledgement stops the repeats', async () => {
    const { handle, input, schedule, wf } = await start();
    const task = schedule.tasks.find((t) => t.taskId === 'convey_spirit')!;
    const [l1, l2, l3, l4] = task.escalations;
    await sleepUntil(h.env, Date.parse(l4!.at) + 60_000);
    const id = (lv: number, n = 0) => `${wf}/task/convey_spirit/v0/escalation/L${lv}/${n}`;
    await h.mailbox.waitFor(1);
    const mails = () => mailsOf(h.mailbox, wf);
    for (const [lv, e] of [
      [1, l1],
      [2, l2],
      [3, l3],
      [4, l4],
    ] as const) {
      const g = mails().find((m) => m.id === id(lv));
      expect(g, `level ${lv}`).toBeDefined();
      expect([...g!.to].sort()).toEqual(addressesFor(input, [...e!.recipients, ...e!.cc]).sort());
    }
    const status = await handle.query(statusQuery);
    expect(status.overdueCount).toBeGreaterThan(0);
    expect(status.openEscalations.filter((e) => e.taskId === 'convey_spirit').map((e) => e.level)).toEqual([
      1, 2, 3, 4,
    ]);
    // Level 4 (通报) repeats every 5 working days until acknowledged.
    const l4View = status.openEscalations.find((e) => e.taskId === 'convey_spirit' && e.level === 4)!;
    expect(l4View.nextRepeatAt).toBe(
      nextEscalationRepeat(calendarForPlan(plan), plan.escalation, l4View.firedAt),
    );
    await sleepUntil(h.env, Date.parse(l4View.nextRepeatAt!) + 60_000);
    await waitForNotification(h.mailbox, wf, id(4, 1));
    expect(mails().some((m) => m.id === id(4, 1))).toBe(true);
    await handle.executeUpdate(acknowledgeEscalationUpdate, {
      args: [{ taskId: 'convey_spirit', level: 4, by: PEOPLE.office }],
    });
    const countAfterAck = mails().filter((m) => m.id.includes('convey_spirit/v0/escalation/L4')).length;
    await sleepUntil(h.env, (await h.env.currentTimeMs()) + 20 * DAY);
    expect(mails().filter((m) => m.id.includes('convey_spirit/v0/escalation/L4')).length).toBe(countAfterAck);
    const lateAck = await handle.executeUpdate(submitDeliverableUpdate, submit('convey_spirit'));
    const late = await handle.query(statusQuery);
    expect(lateAck).toMatchObject({ taskId: 'convey_spirit', status: 'done', phase: 'running' });
    expect(late.tasks.find((t) => t.taskId === 'convey_spirit')).toMatchObject({
      status: 'done',
      late: true,
    });
  });

  it('an extension reschedules reminders and escalations; nothing escalates before the new deadline', async () => {
    const { handle, schedule, wf } = await start();
    const task = schedule.tasks.find((t) => t.taskId === 'leading_group')!;
    await sleepUntil(h.env, Date.parse(task.dueAt) - DAY);
    // A working day about a month later: the requested day itself is then the new deadline.
    const cal = calendarForPlan(plan);
    const newDue = nextWorkingDay(cal, addDays(task.dueDate, 30), true);
    const sAck = await handle.executeUpdate(extendDeadlineUpdate, {
      args: [{ taskId: 'leading_group', newDue, by: PEOPLE.reviewer, reason: '班子调整' }],
    });
    const s = await handle.query(statusQuery);
    expect(sAck).toMatchObject({ phase: s.phase, message: s.timeline.at(-1)!.text });
    const t = s.tasks.find((x) => x.taskId === 'leading_group')!;
    expect(t.dueAt.slice(0, 10)).toBe(newDue);
    // Past the old deadline's whole ladder, still before the new deadline: nothing escalates.
    await sleepUntil(h.env, Date.parse(task.escalations.at(-1)!.at) + 60_000);
    expect(Date.parse(t.dueAt)).toBeGreaterThan(await h.env.currentTimeMs());
    expect(mailsOf(h.mailbox, wf).some((m) => m.id.includes('leading_group/v0/escalation'))).toBe(false);
    // The first level of the new deadline's ladder, by the plan's rules.
    const [l1] = computeEscalations(cal, plan.escalation, t.dueAt);
    await sleepUntil(h.env, Date.parse(l1!.at) + 60_000);
    await waitForNotification(h.mailbox, wf, `${wf}/task/leading_group/v1/escalation/L1/0`);
  });

  it('a return with 四不通过-style reasons reopens the task with a new deadline and tells the unit why; resubmission is approved', async () => {
    const { handle, schedule, wf, input } = await start();
    const task = schedule.tasks.find((t) => t.taskId === 'implementation_plan')!;
    await sleepUntil(h.env, Date.parse(task.opensAt) + 3_600_000);
    await handle.executeUpdate(submitDeliverableUpdate, submit('implementation_plan'));
    await sleepUntil(h.env, Date.parse(task.dueAt) - 2 * 3_600_000);
    const returnedAck = await handle.executeUpdate(reviewDeliverableUpdate, {
      args: [
        {
          taskId: 'implementation_plan',
          reviewedBy: PEOPLE.reviewer,
          decision: 'return',
          reasons: ['实践载体不够具体'],
        },
      ],
    });
    const returned = await handle.query(statusQuery);
    // The Update answers once the read model shows it: the published status is the workflow's own.
    const published = (await h.status.get(input.campaignId, 'dawei'))!;
    expect(published.status.tasks.find((x) => x.taskId === 'implementation_plan')).toMatchObject({
      status: 'returned',
      returns: 1,
    });
    expect(statusAsOf(published.status, Date.parse(published.asOf))).toEqual(
      statusAsOf(returned, Date.parse(published.asOf)),
    );
    expect(published).toMatchObject({
      phase: 'running',
      groupId: input.unit.group.id,
      unitType: 'town_office',
      earliestDueAt: new Date(
        Math.min(
          ...returned.tasks
            .filter((x) => x.status === 'open' || x.status === 'returned')
            .map((x) => Date.parse(x.dueAt)),
        ),
      ).toISOString(),
    });
    expect(returnedAck).toMatchObject({
      taskId: 'implementation_plan',
      status: 'returned',
      dueAt: returned.tasks.find((x) => x.taskId === 'implementation_plan')!.dueAt,
    });
    expect(returnedAck.message).toContain('实践载体不够具体');
    const t = returned.tasks.find((x) => x.taskId === 'implementation_plan')!;
    expect(t).toMatchObject({
      status: 'returned',
      returns: 1,
      lastReturn: { reasons: ['实践载体不够具体'], failedItems: [] },
    });
    expect(Date.parse(t.dueAt)).toBeGreaterThan(Date.parse(task.dueAt));
    const to = await waitForNotification(h.mailbox, wf, `${wf}/task/implementation_plan/returned/1`);
    expect(to.sort()).toEqual(addressesFor(input, ['liaison', 'unit_head']).sort());
    expect(mailText(h.mailbox, `${wf}/task/implementation_plan/returned/1`)).toContain('实践载体不够具体');
    await handle.executeUpdate(submitDeliverableUpdate, submit('implementation_plan'));
    const okAck = await handle.executeUpdate(reviewDeliverableUpdate, {
      args: [{ taskId: 'implementation_plan', reviewedBy: PEOPLE.reviewer2, decision: 'approve' }],
    });
    const ok = await handle.query(statusQuery);
    expect(okAck).toMatchObject({ phase: ok.phase, message: ok.timeline.at(-1)!.text });
    expect(ok.tasks.find((x) => x.taskId === 'implementation_plan')).toMatchObject({
      status: 'done',
      submissions: 2,
      returns: 1,
    });
    expect(
      (await h.status.get(input.campaignId, 'dawei'))!.status.tasks.find(
        (x) => x.taskId === 'implementation_plan',
      ),
    ).toMatchObject({ status: 'done', submissions: 2 });
  });

  /** Completes every task before `stopAt` (schedule order), approving reviews. */
  async function completeAllBefore(handle: Awaited<ReturnType<typeof start>>['handle'], ids: string[]) {
    for (const id of ids) {
      await handle.executeUpdate(submitDeliverableUpdate, submit(id));
      const s = await handle.query(statusQuery);
      if (s.tasks.find((t) => t.taskId === id)?.status === 'submitted')
        await handle.executeUpdate(reviewDeliverableUpdate, {
          args: [{ taskId: id, reviewedBy: PEOPLE.reviewer, decision: 'approve' }],
        });
    }
  }

  it('回头看 reopens what is missing as 查缺补缺 items with a short deadline and sends the gap list; the 指导组 adds its own', async () => {
    const { handle, schedule, wf } = await start();
    const lb = schedule.tasks.find((t) => t.taskId === 'look_back')!;
    const rect = schedule.stages.find((s) => s.stageId === 'rectification')!;
    await sleepUntil(h.env, Date.parse(rect.opensAt) + 3_600_000);
    const before = schedule.tasks.slice(0, schedule.tasks.indexOf(lb));
    // Everything done except two tasks: one from the first stage (long overdue) and one open.
    await completeAllBefore(
      handle,
      before.map((t) => t.taskId).filter((id) => id !== 'discussion' && id !== 'institution_building'),
    );
    const sAck = await handle.executeUpdate(submitDeliverableUpdate, submit('look_back'));
    const s = await handle.query(statusQuery);
    expect(sAck).toMatchObject({ phase: s.phase, message: s.timeline.at(-1)!.text });
    expect(s.lookBackDone).toBe(true);
    const gaps = s.tasks.filter((t) => t.gap).map((t) => t.taskId);
    expect(gaps.sort()).toEqual(['discussion', 'institution_building']);
    const discussion = s.tasks.find((t) => t.taskId === 'discussion')!;
    // The plan's gap deadline (5 working days), counted from the moment the 回头看 was done.
    const lookedBackAt = s.tasks.find((t) => t.taskId === 'look_back')!.completedAt!;
    expect(discussion.dueAt).toBe(
      deadlineAfter(plan, calendarForPlan(plan), null, lookedBackAt, plan.lookBack!.gapDeadline),
    );
    expect(Date.parse(discussion.dueAt)).toBeGreaterThan(await h.env.currentTimeMs());
    await waitForNotification(h.mailbox, wf, `${wf}/look_back/gaps`);
    expect(mailText(h.mailbox, `${wf}/look_back/gaps`)).toContain('组织开展讨论');
    expect(mailText(h.mailbox, `${wf}/look_back/gaps`)).toContain('加强制度建设');
    const addedAck = await handle.executeUpdate(addGapItemUpdate, {
      args: [{ by: PEOPLE.reviewer, title: '补充整改台账' }],
    });
    const added = await handle.query(statusQuery);
    expect(addedAck).toMatchObject({ taskId: 'gap_1', status: 'open' });
    expect(added.tasks.find((t) => t.taskId === 'gap_1')).toMatchObject({
      origin: 'gap',
      gap: true,
      status: 'open',
      title: '补充整改台账',
    });
  });

  async function toSurvey() {
    const started = await start();
    const { handle, schedule } = started;
    const survey = schedule.tasks.find((t) => t.taskId === 'satisfaction_survey')!;
    const before = schedule.tasks.slice(0, schedule.tasks.indexOf(survey));
    // Stage by stage, on time, so nothing escalates on the way to the survey.
    for (const stage of schedule.stages) {
      await sleepUntil(h.env, Date.parse(stage.opensAt) + 3_600_000);
      await completeAllBefore(
        handle,
        before.filter((t) => t.stageId === stage.stageId).map((t) => t.taskId),
      );
    }
    await sleepUntil(h.env, Date.parse(survey.opensAt) + 3_600_000);
    return started;
  }
  const survey = (dissatisfied: number) => ({
    args: [
      {
        by: PEOPLE.reviewer,
        satisfied: 40 - dissatisfied / 2,
        basicallySatisfied: 60 - dissatisfied / 2,
        dissatisfied,
        respondents: 100,
        method: '随机抽样' as const,
      },
    ] as [never],
  });
  async function finishRemedial(handle: Awaited<ReturnType<typeof start>>['handle'], round: number) {
    for (const k of ['analyse', 'rectify', 'explain'])
      await handle.executeUpdate(submitDeliverableUpdate, submit(`remedial_${round}_${k}`));
  }

  it('补课 that succeeds: a mostly dissatisfied survey opens the 补课 tasks, the re-survey passes, results reach office and 指导组', async () => {
    const { handle, wf, input } = await toSurvey();
    const s1Ack = await handle.executeUpdate(recordSurveyUpdate, survey(60));
    const s1 = await handle.query(statusQuery);
    expect(s1Ack).toMatchObject({ taskId: 'satisfaction_survey', status: 'done' });
    expect(s1Ack.message).toContain('补课');
    expect(s1.remedialRound).toBe(1);
    expect(s1.tasks.filter((t) => t.origin === 'remedial').map((t) => t.taskId)).toEqual([
      'remedial_1_analyse',
      'remedial_1_rectify',
      'remedial_1_explain',
      'remedial_1_resurvey',
    ]);
    // Re-survey before the 补课 is done is refused.
    const early = await handle
      .executeUpdate(recordSurveyUpdate, survey(10))
      .catch((e: Error & { cause?: Error }) => e.cause?.message ?? '');
    expect(early).toContain('补课事项尚未完成');
    await finishRemedial(handle, 1);
    const s2Ack = await handle.executeUpdate(recordSurveyUpdate, survey(10));
    const s2 = await handle.query(statusQuery);
    expect(s2Ack).toMatchObject({ phase: s2.phase, message: s2.timeline.at(-1)!.text });
    expect(s2.surveys.map((x) => x.remedialNeeded)).toEqual([true, false]);
    expect(await waitForNotification(h.mailbox, wf, `${wf}/remedial/1/opened`)).toContain(
      'liaison@dawei.example.cn',
    );
    const r2 = await waitForNotification(h.mailbox, wf, `${wf}/survey/2/result`);
    expect(r2.sort()).toEqual(addressesFor(input, ['office', 'supervisor_group']).sort());
    for (const id of ['summary_report', 'archive'])
      await handle.executeUpdate(submitDeliverableUpdate, submit(id));
    await expect(handle.result()).resolves.toMatchObject({
      outcome: 'completed',
      surveyRounds: 2,
      surveyOutcome: 'remedied',
    });
  });

  it('补课 that fails: after the plan’s maximum rounds the result goes to the office and the campaign still closes', async () => {
    const { handle, wf } = await toSurvey();
    await handle.executeUpdate(recordSurveyUpdate, survey(60));
    await finishRemedial(handle, 1);
    await handle.executeUpdate(recordSurveyUpdate, survey(70));
    await finishRemedial(handle, 2);
    const s3Ack = await handle.executeUpdate(recordSurveyUpdate, survey(80));
    const s3 = await handle.query(statusQuery);
    expect(s3Ack).toMatchObject({ phase: s3.phase, message: s3.timeline.at(-1)!.text });
    expect(s3.remedialRound).toBe(plan.satisfaction!.maxRemedialRounds);
    expect(s3.tasks.some((t) => t.taskId === 'remedial_3_analyse')).toBe(false);
    await waitForNotification(h.mailbox, wf, `${wf}/survey/3/result`);
    expect(mailText(h.mailbox, `${wf}/survey/3/result`)).toContain('报活动办');
    for (const id of ['summary_report', 'archive'])
      await handle.executeUpdate(submitDeliverableUpdate, submit(id));
    await expect(handle.result()).resolves.toMatchObject({
      outcome: 'completed',
      surveyRounds: 3,
      surveyOutcome: 'failed_escalated',
    });
  });

  it('continues as new mid-campaign with a review pending, losing neither state nor the review', async () => {
    const { handle, schedule } = await start({ historyEventLimit: 40 });
    const task = schedule.tasks.find((t) => t.taskId === 'implementation_plan')!;
    await sleepUntil(h.env, Date.parse(task.opensAt) + 3_600_000);
    await handle.executeUpdate(submitDeliverableUpdate, submit('implementation_plan'));
    await handle.executeUpdate(waiveTaskUpdate, {
      args: [{ by: PEOPLE.office, taskId: 'publicity', reason: '并入动员大会' }],
    });
    // Reminders and stage openings push history past 40 events: the workflow continues as new.
    await sleepUntil(h.env, Date.parse(task.dueAt) - 3_600_000);
    const desc = await handle.describe();
    expect(desc.runId).not.toBe(handle.firstExecutionRunId);
    const s = await handle.query(statusQuery);
    expect(s.run).toBeGreaterThan(1);
    expect(s.tasks.find((t) => t.taskId === 'implementation_plan')?.status).toBe('submitted');
    expect(s.tasks.find((t) => t.taskId === 'publicity')?.status).toBe('waived');
    expect(s.timeline.some((e) => e.kind === 'submitted')).toBe(true);
    const okAck = await handle.executeUpdate(reviewDeliverableUpdate, {
      args: [{ taskId: 'implementation_plan', reviewedBy: PEOPLE.reviewer, decision: 'approve' }],
    });
    const ok = await handle.query(statusQuery);
    expect(okAck).toMatchObject({ phase: ok.phase, message: ok.timeline.at(-1)!.text });
    expect(ok.tasks.find((t) => t.taskId === 'implementation_plan')?.status).toBe('done');
  });
});
