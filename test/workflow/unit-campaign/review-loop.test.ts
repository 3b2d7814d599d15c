/**
 * The review loop on the time-skipping server: a submission tells the 指导组, the plan's 审查时限
 * reminds the reviewers before it and escalates to the 组长 and then to the 活动办 after it; the
 * unit's published status says 等待审查（第 N 个工作日）. Every expected instant comes from the
 * plan's calendar rules (reviewSchedule, reviewDayStarts), never from today's date.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statusAsOf } from '../../../app/status/as-of.js';
import { ms } from '../../../domain/calendar/index.js';
import type { Plan } from '../../../domain/plan/schema.js';
import { reviewWaitText } from '../../../domain/review-wait.js';
import { calendarForPlan, reviewDayStarts, reviewSchedule } from '../../../domain/schedule/index.js';
import {
  reviewDeliverableUpdate,
  submitDeliverableUpdate,
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
import { startUnit, submission, withGroupLeader } from './units.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

describe('review loop (time-skipping)', () => {
  let h: Harness;
  let plan: Plan;
  beforeEach(async () => {
    h = await startHarness();
    plan = await writeRelativePlan(h.plansDir, 'town_office', 'town_review', (doc) => {
      doc.set('review', doc.createNode({ within: '5wd' }));
    });
  });
  afterEach(async () => h?.close());

  /** The test unit, its 张组长 marked as the group's leader in the roster. */
  async function start() {
    const { input, wf, handle } = await startUnit(h, 'town_review', { prefix: 'rv', edit: withGroupLeader });
    return { handle, input, wf, schedule: scheduleFor(plan, input) };
  }

  it('tells the 指导组 of a submission, reminds it before the 审查时限, escalates to the 组长 and then the 活动办 after it', async () => {
    const { handle, input, wf, schedule } = await start();
    const cal = calendarForPlan(plan);
    const task = schedule.tasks.find((t) => t.taskId === 'implementation_plan')!;
    expect(task.reviewWithin).toBe('5wd');
    await sleepUntil(h.env, Date.parse(task.opensAt) + DAY);
    await handle.executeUpdate(submitDeliverableUpdate, {
      args: [submission(task.taskId, '实施方案（初稿）')],
    });

    // The reviewers are told at once, by the submitted event's routing (every 指导组 member).
    const group = addressesFor(input, ['supervisor_group']);
    const submitted = `${wf}/task/implementation_plan/submitted/1`;
    expect((await waitForNotification(h.mailbox, wf, submitted)).sort()).toEqual([...group].sort());
    expect(mailText(h.mailbox, submitted)).toContain('请区第三指导检查组审查把关');

    const published = (await h.status.get(input.campaignId, input.unit.id))!;
    const review = published.status.tasks.find((t) => t.taskId === task.taskId)!.review!;
    expect(review.workingDay).toBe(1);
    expect(reviewWaitText(review)).toBe('等待审查（第 1 个工作日）');
    const expected = reviewSchedule(plan, cal, null, task, review.submittedAt)!;
    expect(review.dueAt).toBe(expected.dueAt);
    expect(expected.reminders).toHaveLength(1);
    const [l1, l2] = expected.escalations;
    expect(l1!.recipients).toEqual(['group_leader']);
    expect(l2!.recipients).toEqual(['office']);

    // Before the limit: one reminder to the reviewers.
    await sleepUntil(h.env, ms(expected.reminders[0]!.at) + MINUTE);
    const reminder = `${wf}/task/implementation_plan/review/1/reminder`;
    expect((await waitForNotification(h.mailbox, wf, reminder)).sort()).toEqual([...group].sort());
    expect(mailsOf(h.mailbox, wf).some((m) => m.id.includes('/review/1/escalation/'))).toBe(false);

    // After it: the 组长 alone, then the 活动办 with the 组长 copied.
    await sleepUntil(h.env, ms(l1!.at) + MINUTE);
    const toLeader = `${wf}/task/implementation_plan/review/1/escalation/L1`;
    expect(await waitForNotification(h.mailbox, wf, toLeader)).toEqual(['zhang@group3.example.cn']);
    const days = reviewDayStarts(cal, review.submittedAt).filter((d) => ms(d) <= ms(l1!.at)).length + 1;
    expect(mailText(h.mailbox, toLeader)).toContain(`已等待至第${days}个工作日`);
    expect(mailsOf(h.mailbox, wf).some((m) => m.id.endsWith('/review/1/escalation/L2'))).toBe(false);

    await sleepUntil(h.env, ms(l2!.at) + MINUTE);
    const toOffice = `${wf}/task/implementation_plan/review/1/escalation/L2`;
    expect((await waitForNotification(h.mailbox, wf, toOffice)).sort()).toEqual([
      'wang@office.example.cn',
      'zhang@group3.example.cn',
    ]);

    // The unit sees how long it has waited, recounted as of any later moment.
    const later = (await h.status.get(input.campaignId, input.unit.id))!;
    const now = await h.env.currentTimeMs();
    const seen = statusAsOf(later.status, now).tasks.find((t) => t.taskId === task.taskId)!.review!;
    expect(seen).toMatchObject({ overdue: true, escalationLevel: 2 });
    expect(seen.workingDay).toBe(
      1 + reviewDayStarts(cal, review.submittedAt).filter((d) => ms(d) <= now).length,
    );
    expect(reviewWaitText(seen)).toBe(`等待审查（第 ${seen.workingDay} 个工作日），已超过审查时限`);

    // Reviewed: the loop stops; a return and a new submission start a new one under new ids.
    await handle.executeUpdate(reviewDeliverableUpdate, {
      args: [
        { taskId: task.taskId, reviewedBy: PEOPLE.reviewer, decision: 'return', reasons: ['措施不具体'] },
      ],
    });
    const done = (await h.status.get(input.campaignId, input.unit.id))!;
    expect(done.status.tasks.find((t) => t.taskId === task.taskId)!.review).toBeUndefined();
    const before = mailsOf(h.mailbox, wf).filter((m) => m.id.includes('/review/')).length;
    await sleepUntil(h.env, (await h.env.currentTimeMs()) + 2 * DAY);
    await handle.executeUpdate(submitDeliverableUpdate, {
      args: [submission(task.taskId, '实施方案（修改稿）')],
    });
    await waitForNotification(h.mailbox, wf, `${wf}/task/implementation_plan/submitted/2`);
    expect(mailsOf(h.mailbox, wf).filter((m) => m.id.includes('/review/')).length).toBe(before);
    await handle.executeUpdate(reviewDeliverableUpdate, {
      args: [{ taskId: task.taskId, reviewedBy: PEOPLE.reviewer, decision: 'approve' }],
    });
    await handle.terminate('test done');
  });
});
