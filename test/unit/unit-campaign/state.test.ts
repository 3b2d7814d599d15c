import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../domain/plan/schema.js';
import { type Schedule } from '../../../domain/schedule/index.js';
import * as S from '../../../workflows/unit-campaign/state.js';
import { townOfficeContext } from './support.js';

let plan: Plan;
let schedule: Schedule;
let ctx: S.Ctx;

beforeAll(async () => {
  ({ ctx, schedule } = await townOfficeContext());
  plan = ctx.plan;
});

const t0 = () => Date.parse('2009-08-31T10:00:00+08:00');
const fresh = () => S.initialState(ctx, schedule, t0());
const at = (iso: string) => Date.parse(iso);

describe('unit campaign state machine', () => {
  it('starts with a kick-off and sleeps until the first stage opens', () => {
    const s = fresh();
    expect(s.outbox.map((o) => o.id)).toEqual(['campaign/c1/unit/dawei/kickoff']);
    expect(S.nextDueAt(ctx, s)).toBe(at(schedule.stages[0]!.opensAt));
    S.advance(ctx, s, at(schedule.stages[0]!.opensAt));
    expect(s.stages[0]!.status).toBe('open');
    expect(
      s.tasks.filter((t) => t.sched.stageId === 'study' && !t.sched.after).every((t) => t.status === 'open'),
    ).toBe(true);
    // 组织开展讨论 follows 精心组织学习 ("在深入学习的基础上"): not open yet.
    expect(s.tasks.find((t) => t.sched.taskId === 'discussion')!.status).toBe('pending');
    // The opening reminder of a task that opens with its stage is folded into the stage notice.
    expect(s.outbox.map((o) => o.event)).toEqual(['kickoff', 'stage_opened']);
  });

  it('fires every reminder and escalation level of an untouched task at its instant, in order, with the right event', () => {
    const s = fresh();
    const task = schedule.tasks.find((t) => t.taskId === 'convey_spirit')!;
    const instants = [...task.reminders.map((r) => r.at), ...task.escalations.map((e) => e.at)]
      .map(at)
      .sort((a, b) => a - b);
    for (const i of instants) S.advance(ctx, s, i);
    const mine = s.outbox.filter((o) => o.id.includes('/task/convey_spirit/'));
    expect(mine.filter((o) => o.id.includes('/escalation/')).map((o) => o.event)).toEqual([
      'urge',
      'urge',
      'supervise',
      'bulletin',
    ]);
    expect(mine.filter((o) => o.event === 'due_today')).toHaveLength(1);
    const bulletin = mine.find((o) => o.event === 'bulletin')!;
    expect([...bulletin.to, ...bulletin.cc].sort()).toEqual(['office', 'supervisor_group', 'unit_head']);
    // Then the last level repeats.
    const st = s.tasks.find((t) => t.sched.taskId === 'convey_spirit')!;
    expect(st.repeatAt).toBeDefined();
    S.advance(ctx, s, at(st.repeatAt!));
    expect(s.outbox.some((o) => o.id.endsWith('/convey_spirit/v0/escalation/L4/1'))).toBe(true);
    expect(S.overdueCount(s, at(st.repeatAt!))).toBeGreaterThan(0);
  });

  it('a return reschedules the task under a new revision; acknowledging the last level stops repeats', () => {
    const s = fresh();
    const open = at(schedule.stages[0]!.opensAt);
    S.advance(ctx, s, open);
    S.submit(ctx, s, 'implementation_plan', '方案', open + 1000);
    expect(S.findTask(s, 'implementation_plan')!.status).toBe('submitted');
    S.review(
      ctx,
      s,
      { taskId: 'implementation_plan', reviewedBy: 'g', decision: 'return', reasons: ['不具体'] },
      open + 2000,
    );
    const t = S.findTask(s, 'implementation_plan')!;
    expect(t).toMatchObject({ status: 'returned', rev: 1, returns: 1 });
    expect(s.outbox.at(-1)?.event).toBe('returned');
    expect(s.outbox.at(-1)?.facts.reasons).toEqual(['不具体']);

    const late = S.findTask(s, 'convey_spirit')!;
    for (const e of late.sched.escalations) S.advance(ctx, s, at(e.at));
    S.acknowledge(s, 'convey_spirit', 4, at(late.sched.escalations.at(-1)!.at) + 1);
    expect(late.repeatAt).toBeUndefined();
  });

  it('回头看 reopens missing tasks as gaps with the plan gap deadline', () => {
    const s = fresh();
    const lb = schedule.tasks.find((t) => t.taskId === 'look_back')!;
    const when = at(lb.opensAt) + 3_600_000;
    S.advance(ctx, s, when);
    for (const t of s.tasks) {
      if (t.sched.taskId === 'look_back') break;
      if (t.sched.taskId !== 'discussion' && (t.status === 'open' || t.status === 'returned')) {
        S.submit(ctx, s, t.sched.taskId, 'ok', when);
        if (S.findTask(s, t.sched.taskId)!.status === 'submitted')
          S.review(ctx, s, { taskId: t.sched.taskId, reviewedBy: 'g', decision: 'approve' }, when);
      }
    }
    S.submit(ctx, s, 'look_back', '回头看', when);
    expect(s.lookBackDone).toBe(true);
    const gap = S.findTask(s, 'discussion')!;
    expect(gap.gap).toBe(true);
    expect(gap.sched.dueAt).toBe(S.deadlineAfter(ctx, new Date(when).toISOString(), '5wd'));
    expect(s.outbox.find((o) => o.event === 'lookback_gaps')?.facts.gaps).toEqual([
      { item: '组织开展讨论', note: '已逾期' },
    ]);
  });

  it('a mostly dissatisfied survey opens a 补课 round; exhausting the rounds escalates to the office', () => {
    const s = fresh();
    const sv = schedule.tasks.find((t) => t.taskId === 'satisfaction_survey')!;
    const when = at(sv.opensAt) + 1000;
    S.advance(ctx, s, when);
    const bad = {
      by: 'g',
      satisfied: 10,
      basicallySatisfied: 20,
      dissatisfied: 70,
      respondents: 100,
      method: '随机抽样' as const,
    };
    S.recordSurvey(ctx, s, bad, when);
    expect(s.remedialRound).toBe(1);
    for (let r = 1; r <= plan.satisfaction!.maxRemedialRounds; r++) {
      expect(S.openSurveyTask(ctx, s)?.sched.taskId).toBe(`remedial_${r}_resurvey`);
      S.recordSurvey(ctx, s, bad, when + r);
    }
    expect(s.surveyOutcome).toBe('failed_escalated');
    expect(s.outbox.at(-1)?.event).toBe('survey_result');
    expect(s.outbox.at(-1)?.to).toEqual(expect.arrayContaining<string>(['office', 'supervisor_group']));
  });

  it('pause stops the timer; resume shifts open deadlines by whole paused days', () => {
    const s = fresh();
    const open = at(schedule.stages[0]!.opensAt);
    S.advance(ctx, s, open);
    S.pause(s, '秋收', open);
    expect(S.nextDueAt(ctx, s)).toBeUndefined();
    const before = S.findTask(s, 'convey_spirit')!.sched.dueAt;
    S.resume(ctx, s, undefined, open + 10 * 86_400_000);
    const after = S.findTask(s, 'convey_spirit')!.sched.dueAt;
    expect(Date.parse(after) - Date.parse(before)).toBeGreaterThanOrEqual(9 * 86_400_000);
    expect(S.findTask(s, 'convey_spirit')!.rev).toBe(1);
  });

  it('keeps the timeline bounded', () => {
    const s = fresh();
    for (let i = 0; i < S.TIMELINE_LIMIT + 50; i++) S.note(s, t0() + i, 'x', `${i}`);
    expect(s.timeline).toHaveLength(S.TIMELINE_LIMIT);
    expect(s.timelineDropped).toBe(51);
    expect(s.timeline.at(-1)!.text).toBe(`${S.TIMELINE_LIMIT + 49}`);
  });
});
