/**
 * 延期申请 on the time-skipping server: a request within the 指导组's limit approved by the group
 * (the deadline, its reminders and its ladder move), one refused, one above the limit passed to
 * the 活动办 and approved there, and one nobody decides, escalated to the 组长 and then the 活动办.
 * Dates come from the plan's calendar rules (addWorkingDays, dueOnPlanDate, extensionSchedule).
 */
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addWorkingDays, localDateOf, ms } from '../../../domain/calendar/index.js';
import { loadPlanFile } from '../../../domain/plan/load-file.js';
import type { Plan } from '../../../domain/plan/schema.js';
import { calendarForPlan, dueOnPlanDate, extensionSchedule } from '../../../domain/schedule/index.js';
import {
  decideExtensionUpdate,
  requestExtensionUpdate,
  type DecideExtensionRequest,
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
  type Harness,
} from './support.js';
import { startUnit, withGroupLeader } from './units.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/plans-good');
const HOUR = 3_600_000;
const MINUTE = 60_000;
const TASK = 'analysis_report';

describe('延期申请 (time-skipping)', () => {
  let h: Harness;
  let plan: Plan;
  beforeEach(async () => {
    h = await startHarness();
    await copyFile(path.join(FIXTURES, 'extension_mini.yaml'), path.join(h.plansDir, 'extension_mini.yaml'));
    const loaded = await loadPlanFile(path.join(FIXTURES, 'extension_mini.yaml'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    plan = loaded.plan;
  });
  afterEach(async () => h?.close());

  /** The test unit (张组长 marked 组长), running, two hours into its stage. */
  async function start() {
    const { input, wf, handle } = await startUnit(h, 'extension_mini', {
      prefix: 'ext',
      edit: withGroupLeader,
    });
    const schedule = scheduleFor(plan, input);
    const task = schedule.tasks.find((t) => t.taskId === TASK)!;
    await sleepUntil(h.env, ms(schedule.stages[0]!.opensAt) + 2 * HOUR);
    const cal = calendarForPlan(plan);
    /** The date `n` working days after the task's planned deadline. */
    const later = (n: number) => addWorkingDays(cal, localDateOf(cal, task.dueAt), n);
    const request = (newDue: string) =>
      handle.executeUpdate(requestExtensionUpdate, {
        args: [
          { taskId: TASK, requestedBy: PEOPLE.liaison, newDue, reason: '党委换届，班子调整后需重新征求意见' },
        ],
      });
    const decide = (r: Omit<DecideExtensionRequest, 'taskId'>) =>
      handle.executeUpdate(decideExtensionUpdate, { args: [{ taskId: TASK, ...r }] });
    const published = async () => (await h.status.get(input.campaignId, input.unit.id))!.status;
    const taskNow = async () => (await published()).tasks.find((t) => t.taskId === TASK)!;
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => '',
        (e: unknown) => (e as WorkflowUpdateFailedError).cause?.message ?? String(e),
      );
    return { input, wf, task, cal, later, request, decide, published, taskNow, refusal };
  }

  it('within its limit the 指导组 approves: the deadline moves and its reminders follow the new date', async () => {
    const { input, wf, task, cal, later, request, decide, published, taskNow } = await start();
    const newDue = later(3);
    await request(newDue);
    const asked = `${wf}/task/${TASK}/extension/1/requested`;
    const group = addressesFor(input, ['supervisor_group']);
    expect((await waitForNotification(h.mailbox, wf, asked)).sort()).toEqual([...group].sort());
    expect(mailText(h.mailbox, asked)).toContain('延期3个工作日');
    expect((await taskNow()).extensionRequest).toMatchObject({ decider: 'supervisor_group', workingDays: 3 });

    await decide({ decidedBy: PEOPLE.reviewer, decision: 'approve' });
    const told = `${wf}/task/${TASK}/extension/1/decided`;
    expect((await waitForNotification(h.mailbox, wf, told)).sort()).toEqual(
      addressesFor(input, ['liaison', 'unit_head']).sort(),
    );
    expect(mailText(h.mailbox, told)).toContain(
      '区第三指导检查组同意大圩镇机关“形成领导班子分析检查报告”延期',
    );
    const moved = await taskNow();
    expect(moved.dueAt).toBe(dueOnPlanDate(plan, cal, null, newDue));
    expect(moved.extensionRequest).toBeUndefined();
    const texts = (await published()).timeline.map((e) => e.text);
    expect(texts.some((t) => t.startsWith('申请延期：「形成领导班子分析检查报告」'))).toBe(true);
    expect(texts.some((t) => t.startsWith('同意延期：区第三指导检查组同意'))).toBe(true);

    // Past the old deadline and its first rung: nothing escalates; the reminder comes before the new date.
    await sleepUntil(h.env, ms(addWorkingDays(cal, localDateOf(cal, task.dueAt), 1)) + 12 * HOUR);
    expect(
      mailsOf(h.mailbox, wf).some((m) => m.id.includes(`/task/${TASK}/`) && m.id.includes('/escalation/')),
    ).toBe(false);
    await sleepUntil(h.env, ms(moved.dueAt) - 2 * HOUR);
    await waitForNotification(h.mailbox, wf, `${wf}/task/${TASK}/v1/reminder/0`);
  });

  it('the 指导组 refuses (with a comment): the deadline stays and the unit is told', async () => {
    const { input, wf, task, later, request, decide, published, taskNow, refusal } = await start();
    await request(later(2));
    expect(await refusal(request(later(4)))).toContain('已有一项延期申请');
    expect(await refusal(decide({ decidedBy: PEOPLE.reviewer, decision: 'refuse' }))).toContain(
      'comment：不同意延期时请写明审批意见',
    );
    await decide({ decidedBy: PEOPLE.reviewer, decision: 'refuse', comment: '时间尚充裕，请按期完成' });
    const told = `${wf}/task/${TASK}/extension/1/decided`;
    expect((await waitForNotification(h.mailbox, wf, told)).sort()).toEqual(
      addressesFor(input, ['liaison', 'unit_head']).sort(),
    );
    expect(mailText(h.mailbox, told)).toContain('不同意大圩镇机关“形成领导班子分析检查报告”延期');
    expect(mailText(h.mailbox, told)).toContain('审批意见：时间尚充裕，请按期完成');
    const kept = await taskNow();
    expect(kept.dueAt).toBe(task.dueAt);
    expect(kept.extensionRequest).toBeUndefined();
    expect((await published()).timeline.at(-1)!.text).toMatch(/^不同意延期：区第三指导检查组不同意/);
  });

  it('above its limit the request goes to the 活动办: the 指导组 may not decide, the office approves', async () => {
    const { input, wf, cal, later, request, decide, published, taskNow, refusal } = await start();
    const newDue = later(8);
    await request(newDue);
    const asked = `${wf}/task/${TASK}/extension/1/requested`;
    // To the office, the 指导组 copied.
    expect((await waitForNotification(h.mailbox, wf, asked)).sort()).toEqual(
      addressesFor(input, ['office', 'supervisor_group']).sort(),
    );
    expect(mailText(h.mailbox, asked)).toContain(
      '延期天数超过区第三指导检查组的审批权限（5个工作日），报活动办审批',
    );
    expect((await taskNow()).extensionRequest).toMatchObject({ decider: 'office', workingDays: 8 });
    expect((await published()).timeline.at(-1)!.text).toBe(
      '报活动办审批：「形成领导班子分析检查报告」延期 8 个工作日，超过指导组审批权限（5 个工作日）',
    );
    expect(await refusal(decide({ decidedBy: PEOPLE.reviewer, decision: 'approve' }))).toContain(
      'decidedBy：延期 8 个工作日，超过指导组审批权限（5 个工作日），须由活动办审批',
    );
    await decide({ decidedBy: PEOPLE.office, decision: 'approve', comment: '同意' });
    await waitForNotification(h.mailbox, wf, `${wf}/task/${TASK}/extension/1/decided`);
    expect((await taskNow()).dueAt).toBe(dueOnPlanDate(plan, cal, null, newDue));
    expect((await published()).timeline.at(-1)!.text).toMatch(
      /^同意延期：活动办同意「形成领导班子分析检查报告」延期至 /,
    );
  });

  it('a request nobody decides: reminded before its 审批时限, then the 组长, then the 活动办', async () => {
    const { input, wf, task, later, request, taskNow } = await start();
    await request(later(3));
    const x = (await taskNow()).extensionRequest!;
    const timed = extensionSchedule(
      plan,
      calendarForPlan(plan),
      null,
      task,
      x.requestedAt,
      'supervisor_group',
    )!;
    expect(x.decideBy).toBe(timed.dueAt);
    const [l1, l2] = timed.escalations;
    const base = `${wf}/task/${TASK}/extension/1`;
    await sleepUntil(h.env, ms(timed.reminders[0]!.at) + MINUTE);
    expect((await waitForNotification(h.mailbox, wf, `${base}/reminder`)).sort()).toEqual(
      addressesFor(input, ['supervisor_group']).sort(),
    );
    await sleepUntil(h.env, ms(l1!.at) + MINUTE);
    expect(await waitForNotification(h.mailbox, wf, `${base}/escalation/L1`)).toEqual([
      'zhang@group3.example.cn',
    ]);
    expect(
      h.mailbox.messages().find((m) => m.headers.get('x-campaign-notification') === `${base}/escalation/L1`)
        ?.subject,
    ).toContain('延期审批督办（组长）');
    await sleepUntil(h.env, ms(l2!.at) + MINUTE);
    // The office, the 组长 copied.
    expect((await waitForNotification(h.mailbox, wf, `${base}/escalation/L2`)).sort()).toEqual(
      ['wang@office.example.cn', 'zhang@group3.example.cn'].sort(),
    );
    expect((await taskNow()).extensionRequest!.escalationLevel).toBe(2);
  });
});
