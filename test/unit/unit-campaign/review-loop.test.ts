/**
 * The review loop in the pure state machine, with pinned 2009 dates: with the feature off (runs
 * from before 'review-loop') a submission is as it was; with it on, the reviewers are told, the
 * 审查时限 wakes the workflow, and approving ends the loop.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../domain/plan/schema.js';
import { buildSchedule, reviewSchedule } from '../../../domain/schedule/index.js';
import * as S from '../../../workflows/unit-campaign/state.js';
import { townOfficeContext } from './support.js';

let plan: Plan;
let base: S.Ctx;
const unit = { id: 'dawei', type: 'town_office' as const, flags: [] };

beforeAll(async () => {
  ({ ctx: base } = await townOfficeContext({ plan: (p) => ({ ...p, review: { within: '5wd' } }) }));
  plan = base.plan;
});

function submitted(ctx: S.Ctx) {
  const schedule = buildSchedule(plan, unit, '2009-09-01', ctx.cal);
  const s = S.initialState(ctx, schedule, Date.parse('2009-08-31T10:00:00+08:00'));
  const open = Date.parse(schedule.stages[0]!.opensAt);
  S.advance(ctx, s, open);
  s.outbox = [];
  // Tuesday 2009-09-08, 10:00 Beijing.
  const at = Date.parse('2009-09-08T10:00:00+08:00');
  S.submit(ctx, s, 'implementation_plan', '实施方案', at);
  return { s, at };
}

describe('review loop (state machine)', () => {
  it('off: a submission tells nobody and sets no review timer, as before', () => {
    const { s } = submitted(base);
    expect(s.outbox.map((o) => o.event)).toEqual([]);
    expect(S.findTask(s, 'implementation_plan')!.review).toBeUndefined();
  });

  it('on: the reviewers are told, the limit is five working days, the workflow wakes for the reminder; approval ends it', () => {
    const ctx = { ...base, features: { reviewLoop: true } };
    const { s, at } = submitted(ctx);
    expect(s.outbox.map((o) => [o.id, o.to])).toEqual([
      ['campaign/c1/unit/dawei/task/implementation_plan/submitted/1', ['supervisor_group']],
    ]);
    expect(s.outbox[0]!.facts).toMatchObject({
      task: '制定实施方案',
      reviewBy: '2009年9月15日',
      submission: 1,
    });
    const t = S.findTask(s, 'implementation_plan')!;
    const expected = reviewSchedule(plan, ctx.cal, null, t.sched, new Date(at).toISOString())!;
    expect(t.review?.dueAt).toBe('2009-09-15T17:30:00+08:00');
    // The last of the plan's reminder rules: the limit's morning at 09:00.
    expect(expected.reminders.map((r) => Date.parse(r.at))).toEqual([
      Date.parse('2009-09-15T09:00:00+08:00'),
    ]);
    expect(S.nextDueAt(ctx, s)).toBeLessThanOrEqual(Date.parse(expected.reminders[0]!.at));
    const view = S.statusOf(ctx, s, Date.parse('2009-09-10T15:00:00+08:00')).tasks.find(
      (x) => x.taskId === 'implementation_plan',
    )!.review!;
    expect(view).toMatchObject({ workingDay: 3, overdue: false, escalationLevel: 0 });
    S.review(
      ctx,
      s,
      { taskId: 'implementation_plan', reviewedBy: 'g', decision: 'approve' },
      Date.parse('2009-09-10T15:00:00+08:00'),
    );
    expect(S.findTask(s, 'implementation_plan')!.review).toBeUndefined();
  });
});
