import { describe, expect, it } from 'vitest';
import { localDateOf, ms } from '../../../domain/calendar/index.js';
import {
  addPlanDuration,
  buildSchedule,
  calendarForPlan,
  computeEscalations,
  computeReminders,
  deadlineAfter,
  dueOnPlanDate,
  escalationRepeatAfter,
  planMillis,
  retimeTask,
  scheduleStageOpenedAt,
  anchorOf,
} from '../../../domain/schedule/index.js';
import { compress, expand } from '../../../domain/schedule/time-scale.js';
import { loadFixturePlan } from './helpers.js';

const plan = loadFixturePlan('test/fixtures/plans-good/town_mini.yaml');
const scaled = { ...plan, timeScale: { dayLasts: '10s' } };
const unit = { id: 'u', type: 'town_office' as const, flags: [] };
const cal = calendarForPlan(plan);
const fast = buildSchedule(scaled, unit, '2009-09-01', cal);
const ts = fast.timeScale!;
/** The real instant standing for a plan instant. */
const real = (planAt: string) => compress(cal, ts, planAt);
const seconds = (from: string, to: string) => (ms(to) - ms(from)) / 1000;
/**
 * The plan instant a real one stands for, to the minute: a real millisecond is 8.64 plan
 * seconds at this scale, so a round trip through real time is only that exact.
 */
const planMinute = (at: string) =>
  new Date(Math.round(ms(expand(cal, ts, at)) / 60_000) * 60_000).toISOString();
const iso = (local: string) => new Date(local).toISOString();

describe('run-time deadlines in plan time (timeScale)', () => {
  it('5 working days after a return count plan days across National Day and end at plan office closing', () => {
    // Plan 2009-09-28 (Mon): 29, 30, then the holiday to 10-08, 10-09, the make-up Saturday 10-10, 10-12.
    const from = real('2009-09-28T10:00:00+08:00');
    const due = deadlineAfter(plan, cal, ts, from, '5wd');
    expect(planMinute(due)).toBe(iso('2009-10-12T17:30:00+08:00'));
    // 14 plan days and 7.5 hours at 10 s a day: about two and a half real minutes, not five days.
    expect(seconds(from, due)).toBeCloseTo(((14 * 24 + 7.5) * 3600 * 10) / 86_400, 2);
  });

  it('without a timeScale a deadline is the real-calendar one, as before', () => {
    const from = '2009-09-28T10:00:00+08:00';
    expect(deadlineAfter(plan, cal, null, from, '5wd')).toBe('2009-10-12T17:30:00+08:00');
    expect(deadlineAfter(plan, cal, null, from, '5wd')).toBe(addPlanDuration(plan, cal, from, '5wd'));
    expect(deadlineAfter(plan, cal, null, from, '2h')).toBe('2009-09-28T12:00:00+08:00');
  });

  it('clock units are plan time too: 2 plan hours last 0.83 real seconds', () => {
    const from = real('2009-09-10T10:00:00+08:00');
    expect(seconds(from, deadlineAfter(plan, cal, ts, from, '2h'))).toBeCloseTo((2 * 3600 * 10) / 86_400, 2);
  });

  it('an office-typed date is a plan date: due at its (compressed) office closing, holidays per the plan rule', () => {
    // 2009-10-03 is National Day: previous_working_day → 09-30.
    expect(planMinute(dueOnPlanDate(plan, cal, ts, '2009-10-03'))).toBe(iso('2009-09-30T17:30:00+08:00'));
    expect(dueOnPlanDate(plan, cal, null, '2009-10-03')).toBe('2009-09-30T17:30:00+08:00');
  });

  it('a new deadline brings reminders and escalations counted in plan working days, all within the compressed window', () => {
    const task = fast.tasks.find((t) => t.taskId === 'implementation_plan')!;
    const opensAt = real('2009-09-28T10:00:00+08:00');
    const dueAt = deadlineAfter(plan, cal, ts, opensAt, '5wd');
    const t = retimeTask(plan, cal, ts, task, opensAt, dueAt);
    expect(t.opensAt).toBe(opensAt);
    expect(t.dueAt).toBe(dueAt);
    expect(t.dueDate).toBe('2009-10-12');
    const wd = t.reminders.filter((r) => r.kind === 'working_days_before').map((r) => planMinute(r.at));
    // 3 and 1 working days before 10-12, across the holiday: 09-30 and 10-10 (the make-up Saturday), at office opening.
    expect(wd).toEqual([iso('2009-09-30T09:00:00+08:00'), iso('2009-10-10T09:00:00+08:00')]);
    for (const r of t.reminders) {
      expect(ms(r.at)).toBeGreaterThanOrEqual(ms(opensAt));
      expect(ms(r.at)).toBeLessThanOrEqual(ms(dueAt));
    }
    // Level 1 one plan working day after the deadline: 10-13 at opening, i.e. some 15.5 plan hours later.
    expect(planMinute(t.escalations[0]!.at)).toBe(iso('2009-10-13T09:00:00+08:00'));
    const last = t.escalations.at(-1)!;
    expect(seconds(dueAt, last.at)).toBeLessThan(20 * 10);
    expect(t.escalations.map((e) => ms(e.at))).toEqual(
      [...t.escalations.map((e) => ms(e.at))].sort((a, b) => a - b),
    );
  });

  it('without a timeScale the retimed task equals the real-calendar computation', () => {
    const task = buildSchedule(plan, unit, '2009-09-01', cal).tasks.find(
      (t) => t.taskId === 'implementation_plan',
    )!;
    const opensAt = '2009-09-28T10:00:00+08:00';
    const dueAt = '2009-10-12T17:30:00+08:00';
    const t = retimeTask(plan, cal, null, task, opensAt, dueAt);
    expect(t.reminders).toEqual(computeReminders(cal, plan.reminders, opensAt, dueAt));
    expect(t.escalations).toEqual(computeEscalations(cal, plan.escalation, dueAt));
    expect(t.dueDate).toBe(localDateOf(cal, dueAt));
  });

  it('the last level repeats 5 plan working days later', () => {
    const lastAt = real('2009-10-13T09:00:00+08:00');
    const next = escalationRepeatAfter(plan, cal, ts, lastAt)!;
    expect(planMinute(next)).toBe(iso('2009-10-20T09:00:00+08:00'));
    expect(escalationRepeatAfter(plan, cal, null, '2009-10-13T09:00:00+08:00')).toBe(
      '2009-10-20T09:00:00+08:00',
    );
    expect(
      escalationRepeatAfter(
        { ...plan, escalation: { ...plan.escalation, repeatEvery: undefined } },
        cal,
        ts,
        lastAt,
      ),
    ).toBeUndefined();
  });

  it('an after_previous stage opening at run time when predicted gets the same compressed schedule as buildSchedule', () => {
    const stage = plan.stages.find((s) => s.id === 'rectification')!;
    const built = fast.stages.find((s) => s.stageId === 'rectification')!;
    const r = scheduleStageOpenedAt(plan, unit, stage, anchorOf(cal, '2009-09-01'), cal, ts, built.opensAt);
    expect(r.stage.opensAt).toBe(built.opensAt);
    expect(Math.abs(ms(r.stage.dueAt) - ms(built.dueAt))).toBeLessThanOrEqual(1);
    for (const t of r.tasks) {
      const b = fast.tasks.find((x) => x.taskId === t.taskId)!;
      expect(Math.abs(ms(t.dueAt) - ms(b.dueAt))).toBeLessThanOrEqual(1);
      expect(t.dueDate).toBe(b.dueDate);
      expect(t.reminders.map((x) => x.kind)).toEqual(b.reminders.map((x) => x.kind));
    }
    // Opening later than predicted moves its +15wd step in plan working days from that moment.
    const later = real('2009-12-21T10:00:00+08:00');
    const moved = scheduleStageOpenedAt(plan, unit, stage, anchorOf(cal, '2009-09-01'), cal, ts, later);
    expect(moved.stage.opensAt).toBe(later);
    expect(moved.tasks.find((t) => t.taskId === 'rectification_plan')!.dueDate).toBe('2010-01-12');
  });

  it('real time paused stands for real / factor of plan time', () => {
    expect(planMillis(ts, 30_000)).toBeCloseTo(3 * 86_400_000, -1);
    expect(planMillis(null, 30_000)).toBe(30_000);
  });
});
