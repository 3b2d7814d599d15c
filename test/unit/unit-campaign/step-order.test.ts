import { beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, localDateOf, officeEnd } from '../../../domain/calendar/index.js';
import { type Schedule } from '../../../domain/schedule/index.js';
import * as S from '../../../workflows/unit-campaign/state.js';
import { townOfficeContext } from './support.js';

// 镇机关: 9、组织开展讨论 follows 8、精心组织学习 ("在深入学习的基础上"), both due with the study stage.
let schedule: Schedule;
let ctx: S.Ctx;
beforeAll(async () => {
  ({ ctx, schedule } = await townOfficeContext({ ctx: { stepOrder: true } }));
});
const at = (iso: string) => Date.parse(iso);
const task = (s: S.CampaignState, id: string) => s.tasks.find((t) => t.sched.taskId === id)!;

describe('unit campaign state: steps in order (patch step-order)', () => {
  it('a step waits for its predecessor, not for its planned date, and wakes no timer for it', () => {
    const s = S.initialState(ctx, schedule, at('2009-08-31T10:00:00+08:00'));
    const open = at(schedule.stages[0]!.opensAt);
    S.advance(ctx, s, open);
    expect(task(s, 'discussion').status).toBe('pending');
    const planned = at(task(s, 'discussion').sched.opensAt);
    S.advance(ctx, s, planned + 60_000);
    expect(task(s, 'discussion').status).toBe('pending');
    expect(S.nextDueAt(ctx, s)).not.toBe(planned);

    const done = at('2009-09-15T10:00:00+08:00');
    S.submit(ctx, s, 'organised_study', '学习记录', done);
    const d = task(s, 'discussion');
    expect(d.status).toBe('open');
    expect(at(d.sched.opensAt)).toBe(done);
    // No duration: still due with its stage; told it opened at once.
    expect(d.sched.dueAt).toBe(schedule.stages[0]!.dueAt);
    expect(s.outbox.some((o) => o.id === 'campaign/c1/unit/dawei/task/discussion/v0/reminder/0')).toBe(true);
  });

  it('a step whose deadline passed while it waited gets the plan’s gap deadline from its opening, not an instant 通报', () => {
    const s = S.initialState(ctx, schedule, at('2009-08-31T10:00:00+08:00'));
    S.advance(ctx, s, at(schedule.stages[0]!.opensAt));
    // The study is finished three weeks after the stage's deadline.
    const late = at(schedule.stages[0]!.dueAt) + 21 * 86_400_000;
    S.advance(ctx, s, late);
    S.submit(ctx, s, 'organised_study', '学习记录', late);
    const d = task(s, 'discussion');
    expect(d.status).toBe('open');
    expect(d.sched.dueAt).toBe(
      officeEnd(ctx.cal, addWorkingDays(ctx.cal, localDateOf(ctx.cal, new Date(late).toISOString()), 5)),
    );
    expect(
      s.outbox.some(
        (o) => o.id.startsWith('campaign/c1/unit/dawei/task/discussion/') && o.id.includes('/escalation/'),
      ),
    ).toBe(false);
  });

  it('without the patch (runs started before it) the step opens on its planned date', () => {
    const old: S.Ctx = { ...ctx, stepOrder: false };
    const s = S.initialState(old, schedule, at('2009-08-31T10:00:00+08:00'));
    S.advance(old, s, at(schedule.stages[0]!.opensAt));
    S.advance(old, s, at(task(s, 'discussion').sched.opensAt));
    expect(task(s, 'discussion').status).toBe('open');
  });
});
