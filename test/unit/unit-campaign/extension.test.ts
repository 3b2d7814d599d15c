/**
 * 延期申请 in the pure state machine and its validators (pinned to the 镇机关 plan from 2009-09-01):
 * who decides (the 指导组 within `extension.groupMaxWorkingDays`, else the 活动办), what each
 * refusal says, what an approval does to the deadline, and the wait's reminder and ladder.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ms } from '../../../domain/calendar/index.js';
import { dueOnPlanDate, extensionSchedule, extensionWorkingDays } from '../../../domain/schedule/index.js';
import { validateOperation as validate } from '../../../workflows/unit-campaign/operations.js';
import * as S from '../../../workflows/unit-campaign/state.js';
import { TOWN_INPUT, townOfficeContext } from './support.js';

const input = TOWN_INPUT;
const now = Date.parse('2009-09-02T10:00:00+08:00');
const TASK = 'implementation_plan';
// Due 2009-11-10 (Tuesday): +3 working days is 11-13, +8 is 11-20 (no holidays in between).
const WITHIN = '2009-11-13';
const BEYOND = '2009-11-20';

let ctx: S.Ctx;
let state: S.CampaignState;
const task = () => S.findTask(state, TASK)!;
const request = (newDue: string, at = now) =>
  S.requestExtension(
    ctx,
    state,
    { taskId: TASK, requestedBy: 'liaison-dawei', newDue, reason: '党委换届' },
    at,
  );
const check = (op: 'requestExtension' | 'decideExtension', req: unknown, at = now) =>
  validate(op, ctx, input, state, req, at);

beforeEach(async () => {
  const { ctx: c, schedule } = await townOfficeContext();
  ctx = {
    ...c,
    plan: { ...c.plan, extension: { groupMaxWorkingDays: 5, within: '2wd' } },
    features: { extensionRequests: true },
    officeIds: ['office-wang'],
  };
  state = S.initialState(ctx, schedule, Date.parse('2009-08-31T10:00:00+08:00'));
  S.advance(ctx, state, now);
  state.outbox = [];
});

describe('延期申请: the request', () => {
  it('counts the working days the deadline moves', () => {
    expect(task().sched.dueAt).toBe('2009-11-10T17:30:00+08:00');
    expect(
      extensionWorkingDays(ctx.cal, task().sched.dueAt, dueOnPlanDate(ctx.plan, ctx.cal, null, WITHIN)),
    ).toBe(3);
    expect(
      extensionWorkingDays(ctx.cal, task().sched.dueAt, dueOnPlanDate(ctx.plan, ctx.cal, null, BEYOND)),
    ).toBe(8);
  });

  it('refuses, in Chinese and naming the field, what cannot be asked', () => {
    const ok = { taskId: TASK, requestedBy: 'liaison-dawei', newDue: WITHIN, reason: '党委换届' };
    expect(check('requestExtension', ok)).toEqual([]);
    expect(check('requestExtension', { ...ok, taskId: 'nope' })).toEqual(['taskId：本单位没有任务「nope」']);
    expect(check('requestExtension', { ...ok, reason: '  ' })).toEqual(['reason：请填写延期理由']);
    expect(check('requestExtension', { ...ok, reason: '长'.repeat(501) })[0]).toMatch(/^reason：/);
    expect(check('requestExtension', { ...ok, newDue: '2009-11-10' })).toEqual([
      'newDue：「2009-11-10」不晚于现在的截止时间，延期须晚于原期限',
    ]);
    expect(check('requestExtension', { ...ok, newDue: '2009-13-40' })[0]).toMatch(/^newDue：/);
    expect(check('requestExtension', { ...ok, requestedBy: 'group3-zhang' })).toEqual([
      'requestedBy：「group3-zhang」不是大圩镇机关的联络员或第一责任人，无权进行此操作',
    ]);
    // After the deadline it is too late to ask.
    expect(check('requestExtension', ok, ms(task().sched.dueAt) + 1000)).toEqual([
      'taskId：任务「制定实施方案」已过截止时间（2009年11月10日），延期须在截止前申请，请联系指导组',
    ]);
    S.waive(ctx, state, 'leading_group', '不适用', now);
    expect(check('requestExtension', { ...ok, taskId: 'leading_group' })[0]).toMatch(
      /^taskId：任务「.*」已免除，无需延期$/,
    );
  });

  it('one open request per task', () => {
    request(WITHIN);
    expect(
      check('requestExtension', { taskId: TASK, requestedBy: 'head-dawei', newDue: BEYOND, reason: '再延' }),
    ).toEqual([
      'taskId：任务「制定实施方案」已有一项延期申请（申请延至 2009年11月13日）正在等待审批，请等待审批结果',
    ]);
  });

  it('is refused in runs from before the change (patch extension-request)', () => {
    ctx = { ...ctx, features: {} };
    expect(
      check('requestExtension', {
        taskId: TASK,
        requestedBy: 'liaison-dawei',
        newDue: WITHIN,
        reason: '换届',
      }),
    ).toEqual(['状态：本单位活动启动于延期申请功能上线之前，请联系指导组或活动办办理延期']);
  });
});

describe('延期申请: the decision', () => {
  it('within the limit: the 指导组 is asked and approves; the deadline moves and its reminders are new', () => {
    request(WITHIN);
    const x = task().extension!;
    expect(x).toMatchObject({ decider: 'supervisor_group', workingDays: 3, n: 1 });
    expect(state.outbox.map((o) => [o.event, o.to, o.id])).toEqual([
      [
        'extension_requested',
        ['supervisor_group'],
        `campaign/c1/unit/dawei/task/${TASK}/extension/1/requested`,
      ],
    ]);
    expect(state.timeline.at(-1)!.text).toMatch(
      /^申请延期：「制定实施方案」申请由 2009年11月10日 延至 2009年11月13日（3 个工作日）：党委换届$/,
    );
    expect(S.statusOf(ctx, state, now).tasks.find((t) => t.taskId === TASK)!.extensionRequest).toMatchObject({
      decider: 'supervisor_group',
      workingDays: 3,
      newDueAt: '2009-11-13T17:30:00+08:00',
    });
    state.outbox = [];
    const rev = task().rev;
    expect(
      check('decideExtension', { taskId: TASK, decidedBy: 'group3-zhang', decision: 'approve' }),
    ).toEqual([]);
    S.decideExtension(
      ctx,
      state,
      { taskId: TASK, decidedBy: 'group3-zhang', decision: 'approve' },
      false,
      now + 1000,
    );
    expect(task().sched.dueAt).toBe('2009-11-13T17:30:00+08:00');
    expect(task().rev).toBe(rev + 1);
    expect(task().extension).toBeUndefined();
    expect(state.timeline.at(-1)!.text).toBe('同意延期：第三指导组同意「制定实施方案」延期至 2009年11月13日');
    expect(state.outbox.map((o) => [o.event, o.to, o.facts.approved])).toEqual([
      ['extension_decided', ['liaison', 'unit_head'], true],
    ]);
    expect(
      check('decideExtension', { taskId: TASK, decidedBy: 'group3-zhang', decision: 'approve' }),
    ).toEqual(['taskId：任务「制定实施方案」没有待审批的延期申请']);
  });

  it('refused: a comment is required and the deadline stays', () => {
    request(WITHIN);
    expect(check('decideExtension', { taskId: TASK, decidedBy: 'group3-zhang', decision: 'refuse' })).toEqual(
      ['comment：不同意延期时请写明审批意见'],
    );
    S.decideExtension(
      ctx,
      state,
      { taskId: TASK, decidedBy: 'group3-zhang', decision: 'refuse', comment: '时间充裕' },
      false,
      now + 1000,
    );
    expect(task().sched.dueAt).toBe('2009-11-10T17:30:00+08:00');
    expect(state.timeline.at(-1)!.text).toBe(
      '不同意延期：第三指导组不同意「制定实施方案」延期，仍须于 2009年11月10日 前完成：时间充裕',
    );
    // A new request may follow, numbered 2.
    request(WITHIN, now + 2000);
    expect(task().extension!.n).toBe(2);
  });

  it('above the limit: 报活动办审批; the 指导组 may not decide, the office may', () => {
    request(BEYOND);
    expect(task().extension).toMatchObject({ decider: 'office', workingDays: 8 });
    const asked = state.outbox.find((o) => o.event === 'extension_requested')!;
    expect([asked.to, asked.cc, asked.facts.referred]).toEqual([['office'], ['supervisor_group'], true]);
    expect(state.timeline.at(-1)!.text).toBe(
      '报活动办审批：「制定实施方案」延期 8 个工作日，超过指导组审批权限（5 个工作日）',
    );
    expect(
      check('decideExtension', { taskId: TASK, decidedBy: 'group3-zhang', decision: 'approve' }),
    ).toEqual(['decidedBy：延期 8 个工作日，超过指导组审批权限（5 个工作日），须由活动办审批']);
    expect(check('decideExtension', { taskId: TASK, decidedBy: 'office-wang', decision: 'approve' })).toEqual(
      [],
    );
    state.outbox = [];
    S.decideExtension(
      ctx,
      state,
      { taskId: TASK, decidedBy: 'office-wang', decision: 'approve' },
      true,
      now + 1000,
    );
    expect(task().sched.dueAt).toBe('2009-11-20T17:30:00+08:00');
    expect(state.timeline.at(-1)!.text).toBe('同意延期：活动办同意「制定实施方案」延期至 2009年11月20日');
    expect(state.outbox.map((o) => [o.to, o.cc])).toEqual([[['liaison', 'unit_head'], ['supervisor_group']]]);
  });

  it('a plan without an `extension` section sends every request to the office, with no time limit', () => {
    const { extension: _none, ...plan } = ctx.plan;
    ctx = { ...ctx, plan };
    request(WITHIN);
    expect(task().extension).toMatchObject({ decider: 'office', reminders: [], escalations: [] });
    expect(task().extension!.dueAt).toBeUndefined();
  });
});

describe('延期申请: a request that waits', () => {
  it('reminds the decider before the limit, then the 组长, then the 活动办 after it', () => {
    request(WITHIN);
    const timed = extensionSchedule(
      ctx.plan,
      ctx.cal,
      null,
      task().sched,
      new Date(now).toISOString(),
      'supervisor_group',
    )!;
    expect(task().extension!.dueAt).toBe(timed.dueAt);
    expect(timed.escalations.map((e) => [e.recipients, e.cc])).toEqual([
      [['group_leader'], []],
      [['office'], ['group_leader']],
    ]);
    state.outbox = [];
    const sent: string[] = [];
    let at = now;
    for (let i = 0; i < 50 && task().extension!.level < 2; i++) {
      at = S.nextDueAt(ctx, state)!;
      S.advance(ctx, state, at);
      for (const o of state.outbox.splice(0))
        if (o.event.startsWith('extension_')) sent.push(`${o.event}:${o.to.join('+')}`);
    }
    expect(sent).toEqual([
      'extension_reminder:supervisor_group',
      'extension_overdue:group_leader',
      'extension_overdue:office',
    ]);
    expect(
      S.statusOf(ctx, state, at).tasks.find((t) => t.taskId === TASK)!.extensionRequest!.escalationLevel,
    ).toBe(2);
    expect(state.timeline.some((e) => e.kind === 'extension_overdue')).toBe(true);
  });

  it('is dropped once the task is submitted', () => {
    request(WITHIN);
    S.submit(ctx, state, TASK, '方案', now + 1000);
    expect(task().extension).toBeUndefined();
    expect(state.timeline.at(-1)!.kind).toBe('extension_dropped');
  });
});
