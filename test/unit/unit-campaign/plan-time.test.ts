import { beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, localDateOf, ms, officeEnd, officeStart } from '../../../domain/calendar/index.js';
import { type Schedule } from '../../../domain/schedule/index.js';
import { expand } from '../../../domain/schedule/time-scale.js';
import * as S from '../../../workflows/unit-campaign/state.js';
import { townOfficeContext } from './support.js';

/** Real milliseconds one plan day lasts. */
const DAY = 10_000;
let schedule: Schedule;
let ctx: S.Ctx;
/** The same compressed plan as a workflow started before run-time deadlines counted in plan time. */
let legacy: S.Ctx;

beforeAll(async () => {
  const town = await townOfficeContext({ plan: (p) => ({ ...p, timeScale: { dayLasts: '10s' } }) });
  schedule = town.schedule;
  legacy = { ...town.ctx, timeScale: schedule.timeScale };
  ctx = { ...legacy, runTimeInPlanTime: true };
});

const at = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
/** The plan instant a real one stands for, to the minute (a real millisecond is 8.64 plan seconds). */
const planMinute = (c: S.Ctx, real: string | number) =>
  iso(
    Math.round(ms(expand(c.cal, c.timeScale!, typeof real === 'number' ? iso(real) : real)) / 60_000) *
      60_000,
  );
const planDate = (c: S.Ctx, real: number) => localDateOf(c.cal, expand(c.cal, c.timeScale!, iso(real)));

/** A unit with implementation_plan submitted, then returned two plan days after its deadline. */
function returnedLate(c: S.Ctx): { s: S.CampaignState; now: number } {
  const s = S.initialState(c, schedule, at(schedule.tasks[0]!.opensAt) - 1000);
  const due = at(S.findTask(s, 'implementation_plan')!.sched.dueAt);
  S.advance(c, s, due - DAY / 2);
  S.submit(c, s, 'implementation_plan', '方案', due - DAY / 2);
  const now = due + 2 * DAY;
  S.advance(c, s, now);
  S.review(
    c,
    s,
    { taskId: 'implementation_plan', reviewedBy: 'g', decision: 'return', reasons: ['不具体'] },
    now,
  );
  return { s, now };
}

describe('run-time deadlines of a timeScale plan (one plan day = 10 s)', () => {
  it('a return gives 5 plan working days (under a few minutes), not 5 real working days', () => {
    const { s, now } = returnedLate(ctx);
    const t = S.findTask(s, 'implementation_plan')!;
    expect(t).toMatchObject({ status: 'returned', rev: 1 });
    const want = officeEnd(ctx.cal, addWorkingDays(ctx.cal, planDate(ctx, now), 5));
    expect(planMinute(ctx, t.sched.dueAt)).toBe(iso(at(want)));
    expect(ms(t.sched.dueAt) - now).toBeGreaterThan(4 * DAY);
    expect(ms(t.sched.dueAt) - now).toBeLessThan(15 * DAY);
    expect(t.sched.dueDate).toBe(addWorkingDays(ctx.cal, planDate(ctx, now), 5));
    const returned = s.outbox.find((o) => o.event === 'returned')!;
    expect(returned.facts.resubmitBy).toBe(S.cnDate(ctx, t.sched.dueAt));
  });

  it("the new deadline's reminders and escalations fire within the compressed window, under the new revision", () => {
    const { s, now } = returnedLate(ctx);
    const t = S.findTask(s, 'implementation_plan')!;
    const due = ms(t.sched.dueAt);
    const pending = t.sched.reminders.slice(t.nextReminder);
    expect(pending.length).toBeGreaterThan(0);
    for (const r of pending) {
      expect(ms(r.at)).toBeGreaterThan(now);
      expect(ms(r.at)).toBeLessThanOrEqual(due);
    }
    // The plan's "1 working day before" reminder is at plan office opening of the previous working day.
    const oneBefore = t.sched.reminders.find((r) => r.label.includes('1'))!;
    expect(planMinute(ctx, oneBefore.at)).toBe(
      iso(at(officeStart(ctx.cal, addWorkingDays(ctx.cal, t.sched.dueDate, -1)))),
    );
    expect(S.nextDueAt(ctx, s)).toBeLessThanOrEqual(ms(pending[0]!.at));
    S.advance(ctx, s, ms(pending[0]!.at));
    expect(s.outbox.some((o) => o.id.includes('/task/implementation_plan/v1/reminder/'))).toBe(true);
    const l1 = t.sched.escalations[0]!;
    expect(ms(l1.at) - due).toBeGreaterThan(0);
    expect(ms(l1.at) - due).toBeLessThan(10 * DAY);
    S.advance(ctx, s, ms(l1.at));
    expect(s.outbox.some((o) => o.id.endsWith('/task/implementation_plan/v1/escalation/L1/0'))).toBe(true);
  });

  it('a workflow that decided before the change keeps real-calendar deadlines (5 real working days)', () => {
    const { s, now } = returnedLate(legacy);
    const t = S.findTask(s, 'implementation_plan')!;
    expect(ms(t.sched.dueAt) - now).toBeGreaterThan(4 * 86_400_000);
  });

  it('the last level repeats every 5 plan working days', () => {
    const s = S.initialState(ctx, schedule, at(schedule.tasks[0]!.opensAt) - 1000);
    const task = S.findTask(s, 'convey_spirit')!;
    for (const e of task.sched.escalations) S.advance(ctx, s, ms(e.at));
    const last = ms(task.sched.escalations.at(-1)!.at);
    expect(task.repeatAt).toBeDefined();
    expect(ms(task.repeatAt!) - last).toBeGreaterThan(4 * DAY);
    expect(ms(task.repeatAt!) - last).toBeLessThan(15 * DAY);
    expect(localDateOf(ctx.cal, expand(ctx.cal, ctx.timeScale!, task.repeatAt!))).toBe(
      addWorkingDays(ctx.cal, planDate(ctx, last), 5),
    );
  });

  it('回头看 gaps get the plan gap deadline in plan time', () => {
    const s = S.initialState(ctx, schedule, at(schedule.tasks[0]!.opensAt) - 1000);
    const lb = schedule.tasks.find((t) => t.taskId === 'look_back')!;
    const when = at(lb.opensAt) + DAY / 8;
    S.advance(ctx, s, when);
    S.submit(ctx, s, 'look_back', '回头看', when);
    const gapDue = officeEnd(ctx.cal, addWorkingDays(ctx.cal, planDate(ctx, when), 5));
    // Overdue ones now fall due with the gap deadline; a gap whose own deadline is later keeps it.
    const moved = s.tasks.filter((t) => t.gap && t.rev > 0);
    expect(moved.length).toBeGreaterThan(0);
    for (const g of moved) {
      expect(planMinute(ctx, g.sched.dueAt)).toBe(iso(at(gapDue)));
      expect(ms(g.sched.dueAt) - when).toBeGreaterThan(4 * DAY);
      expect(ms(g.sched.dueAt) - when).toBeLessThan(15 * DAY);
    }
    expect(s.outbox.find((o) => o.event === 'lookback_gaps')?.facts.deadline).toBe(
      S.cnDate(ctx, moved[0]!.sched.dueAt),
    );
  });

  it('a 补课 round lasts the plan remedial duration (10 plan working days)', () => {
    const s = S.initialState(ctx, schedule, at(schedule.tasks[0]!.opensAt) - 1000);
    const sv = schedule.tasks.find((t) => t.taskId === 'satisfaction_survey')!;
    const when = at(sv.opensAt) + 1000;
    S.advance(ctx, s, when);
    S.recordSurvey(
      ctx,
      s,
      {
        by: 'g',
        satisfied: 10,
        basicallySatisfied: 20,
        dissatisfied: 70,
        respondents: 100,
        method: '随机抽样',
      },
      when,
    );
    const round = s.tasks.filter((t) => t.origin === 'remedial');
    expect(round).toHaveLength(4);
    for (const t of round) {
      expect(t.sched.dueDate).toBe(addWorkingDays(ctx.cal, planDate(ctx, when), 10));
      expect(ms(t.sched.dueAt) - when).toBeLessThan(25 * DAY);
      for (const r of t.sched.reminders) expect(ms(r.at)).toBeLessThanOrEqual(ms(t.sched.dueAt));
    }
  });

  it('a date the office types for a gap item is a plan date; an exact instant stays real time', () => {
    const s = S.initialState(ctx, schedule, at(schedule.tasks[0]!.opensAt) - 1000);
    const now = at(schedule.tasks[0]!.opensAt) + DAY;
    S.advance(ctx, s, now);
    const id = S.addGapItem(ctx, s, { by: 'g', title: '补齐学习笔记', due: '2009-09-30' }, now);
    expect(planMinute(ctx, S.findTask(s, id)!.sched.dueAt)).toBe(iso(at('2009-09-30T17:30:00+08:00')));
    const exact = iso(now + 30_000);
    expect(ms(S.parseDue(ctx, exact))).toBe(now + 30_000);
  });

  it('resuming after 30 real seconds shifts by the 3 plan days they stood for', () => {
    expect(S.pauseShift(ctx, 30_000)).toBe('3d');
    expect(S.pauseShift(legacy, 30_000)).toBe('1d');
  });
});
