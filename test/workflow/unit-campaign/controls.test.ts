import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { CN_DAYS_COVERED, addDays, localDateOf } from '../../../domain/calendar/index.js';
import type { Plan } from '../../../domain/plan/schema.js';
import { calendarForPlan, missingHolidayYearWarning, shiftTasks } from '../../../domain/schedule/index.js';
import {
  addAdHocItemUpdate,
  cancelUpdate,
  pauseUpdate,
  resumeUpdate,
  reviewDeliverableUpdate,
  statusQuery,
  submitDeliverableUpdate,
  waiveTaskUpdate,
} from '../../../workflows/unit-campaign/messages.js';
import {
  PEOPLE,
  mailsOf,
  scheduleFor,
  sleepUntil,
  startHarness,
  waitForNotification,
  writeRelativePlan,
  type Harness,
} from './support.js';
import { startUnit, submission } from './units.js';

const DAY = 86_400_000;

describe('unit campaign: office controls and bad input (time-skipping)', () => {
  let h: Harness;
  let plan: Plan;
  beforeAll(async () => {
    h = await startHarness();
    plan = await writeRelativePlan(h.plansDir, 'town_office', 'town_rel');
  });
  afterAll(async () => h?.close());

  async function start() {
    const { input, handle } = await startUnit(h, 'town_rel');
    return { handle, input, schedule: scheduleFor(plan, input) };
  }

  /** The first stage is open (its opening is the next office moment of the start day). */
  async function startOpen() {
    const started = await start();
    await sleepUntil(h.env, Date.parse(started.schedule.stages[0]!.opensAt) + 3_600_000);
    return started;
  }

  it('rejects bad updates with every problem named by field, leaving the state unchanged', async () => {
    const { handle } = await startOpen();
    const before = await handle.query(statusQuery);
    const err = await handle
      .executeUpdate(submitDeliverableUpdate, {
        args: [{ taskId: 'nope', submittedBy: PEOPLE.stranger, summary: '', fileRefs: ['x'] }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const msg = (err as WorkflowUpdateFailedError).cause?.message ?? '';
    expect(msg).toContain('taskId：本单位没有任务「nope」');
    expect(msg).toContain(`submittedBy：「${PEOPLE.stranger}」不是大圩镇机关的联络员或第一责任人`);
    expect(msg).toContain('summary：请填写简要说明');
    expect(msg).toContain('fileRefs[0]：「x」不是文件引用');

    // The unit may not review its own plan; a task that needs no review cannot be reviewed.
    await handle.executeUpdate(submitDeliverableUpdate, {
      args: [submission('implementation_plan', '实施方案')],
    });
    const mid = await handle.query(statusQuery);
    const selfReview = await handle
      .executeUpdate(reviewDeliverableUpdate, {
        args: [
          {
            taskId: 'implementation_plan',
            reviewedBy: PEOPLE.head,
            decision: 'return',
            failedItems: ['zzz'],
          },
        ],
      })
      .catch((e: unknown) => e);
    const m2 = (selfReview as WorkflowUpdateFailedError).cause?.message ?? '';
    expect(m2).toContain(`reviewedBy：「${PEOPLE.head}」不是大圩镇机关的指导组成员或活动办`);
    expect(m2).toContain('failedItems[0]：任务「制定实施方案」没有审查清单');
    const twice = await handle
      .executeUpdate(submitDeliverableUpdate, {
        args: [
          { taskId: 'implementation_plan', submittedBy: PEOPLE.liaison, summary: '再交一次', fileRefs: [] },
        ],
      })
      .catch((e: unknown) => e);
    expect((twice as WorkflowUpdateFailedError).cause?.message).toContain(
      'taskId：任务「制定实施方案」已报送，正在等待指导组审查',
    );
    const notOffice = await handle
      .executeUpdate(pauseUpdate, { args: [{ by: PEOPLE.reviewer }] })
      .catch((e: unknown) => e);
    expect((notOffice as WorkflowUpdateFailedError).cause?.message).toContain(
      `by：「${PEOPLE.reviewer}」不是大圩镇机关的活动办`,
    );
    const badDue = await handle
      .executeUpdate(addAdHocItemUpdate, { args: [{ by: PEOPLE.office, title: '', due: '2001-01-01' }] })
      .catch((e: unknown) => e);
    const m3 = (badDue as WorkflowUpdateFailedError).cause?.message ?? '';
    expect(m3).toContain('title：请填写督办事项名称');
    expect(m3).toContain('due：「2001-01-01」已经过去');

    const after = await handle.query(statusQuery);

    expect(after.tasks).toEqual(mid.tasks);
    expect(after.phase).toBe('running');
    expect(before.tasks.find((t) => t.taskId === 'implementation_plan')?.status).toBe('open');
    expect(after.tasks.find((t) => t.taskId === 'implementation_plan')?.status).toBe('submitted');
    await handle.terminate('test done');
  });

  it("a campaign that runs into a year without holiday data says so on the unit's timeline", async () => {
    // A future year past the holiday table, whatever the day the test runs (a start in the past
    // would fire a whole campaign of escalations at once).
    const thisYear = new Date(await h.env.currentTimeMs()).getUTCFullYear();
    const year = Math.max(CN_DAYS_COVERED.to, thisYear) + 1;
    const { handle } = await startUnit(h, 'town_rel', {
      edit: (base) => ({ ...base, start: `${year}-03-01` }),
    });
    // Queried once its first workflow task is over (the kick-off notice has gone out).
    await waitForNotification(h.mailbox, handle.workflowId, `${handle.workflowId}/kickoff`);
    const s = await handle.query(statusQuery);
    expect(s.timeline.filter((e) => e.kind === 'calendar_gap').map((e) => e.text)).toEqual([
      missingHolidayYearWarning(year),
    ]);
    await handle.terminate('test done');
  });

  it('cancel ends the workflow cleanly with a cancelled result and sends nothing more', async () => {
    const { handle } = await startOpen();
    await handle.executeUpdate(cancelUpdate, { args: [{ by: PEOPLE.office, reason: '单位撤并' }] });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'cancelled', cancelReason: '单位撤并', unitId: 'dawei' });
    const sent = mailsOf(h.mailbox, handle.workflowId).length;
    await h.env.sleep('30 days');
    expect(mailsOf(h.mailbox, handle.workflowId).length).toBe(sent);
  });

  it('Temporal cancellation is handled the same way', async () => {
    const { handle } = await startOpen();
    await handle.cancel();
    await expect(handle.result()).resolves.toMatchObject({
      outcome: 'cancelled',
      cancelReason: 'Temporal 取消请求',
    });
  });

  it('pause stops timers; resume shifts the remaining dates by the paused days', async () => {
    const { handle, schedule } = await start();
    const study = schedule.stages[0]!;
    await sleepUntil(h.env, Date.parse(study.opensAt) + 3_600_000);
    const before = await handle.query(statusQuery);
    const dueBefore = Date.parse(before.tasks.find((t) => t.taskId === 'convey_spirit')!.dueAt);
    await handle.executeUpdate(pauseUpdate, { args: [{ by: PEOPLE.office, reason: '秋收农忙' }] });
    const mailsAtPause = mailsOf(h.mailbox, handle.workflowId).length;
    // Past the original deadline and several escalation levels: nothing may go out while paused.
    await h.env.sleep(dueBefore - (await h.env.currentTimeMs()) + 20 * DAY);
    expect(mailsOf(h.mailbox, handle.workflowId).length).toBe(mailsAtPause);
    expect((await handle.query(statusQuery)).phase).toBe('paused');
    const pausedMs = (await h.env.currentTimeMs()) - Date.parse(before.timeline.at(-1)!.at);
    const resumedAck = await handle.executeUpdate(resumeUpdate, { args: [{ by: PEOPLE.office }] });
    const resumed = await handle.query(statusQuery);
    expect(resumedAck).toMatchObject({ phase: 'running' });
    expect(resumedAck.taskId).toBeUndefined();
    const dueAfter = Date.parse(resumed.tasks.find((t) => t.taskId === 'convey_spirit')!.dueAt);
    expect(resumed.phase).toBe('running');
    // Shifted by the paused time in whole days, landing on a working day by the plan's rule.
    const pausedDays = `${Math.ceil(pausedMs / DAY)}d`;
    expect(resumed.timeline.at(-1)!.text).toContain(`顺延 ${pausedDays}`);
    const convey = schedule.tasks.find((t) => t.taskId === 'convey_spirit')!;
    expect(dueAfter).toBe(Date.parse(shiftTasks(plan, [convey], pausedDays)[0]!.dueAt));
    expect(dueAfter).toBeGreaterThan(await h.env.currentTimeMs());
    expect(resumed.overdueCount).toBe(0);
    // Waive and ad-hoc items.
    const waivedAck = await handle.executeUpdate(waiveTaskUpdate, {
      args: [{ by: PEOPLE.office, taskId: 'publicity', reason: '已并入动员大会' }],
    });
    const waived = await handle.query(statusQuery);
    expect(waivedAck).toMatchObject({ taskId: 'publicity', status: 'waived' });
    expect(waived.tasks.find((t) => t.taskId === 'publicity')?.status).toBe('waived');
    const due = addDays(
      localDateOf(calendarForPlan(plan), new Date(await h.env.currentTimeMs()).toISOString()),
      10,
    );
    const adhocAck = await handle.executeUpdate(addAdHocItemUpdate, {
      args: [{ by: PEOPLE.office, title: '报送学习笔记抽查情况', due }],
    });
    const adhoc = await handle.query(statusQuery);
    expect(adhocAck).toMatchObject({ taskId: 'adhoc_1', status: 'open' });
    expect(adhoc.tasks.find((t) => t.taskId === 'adhoc_1')).toMatchObject({
      origin: 'adhoc',
      status: 'open',
      title: '督办：报送学习笔记抽查情况',
    });
    await handle.terminate('test done');
  });
});
