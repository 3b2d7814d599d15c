import { describe, expect, it } from 'vitest';
import { isInOfficeHours, localDateOf } from '../../../domain/calendar/index.js';
import { buildSchedule, calendarForPlan, type ScheduledTask } from '../../../domain/schedule/index.js';
import { loadFixturePlan } from './helpers.js';

const plan = loadFixturePlan('test/fixtures/plans-good/town_mini.yaml');
const cal = calendarForPlan(plan);
const unit = { id: 'zhujing', type: 'town_office' as const, flags: ['has_party_committee' as const] };
const schedule = buildSchedule(plan, unit, '2009-09-01');
const task = (id: string): ScheduledTask => {
  const t = schedule.tasks.find((x) => x.taskId === id);
  if (!t) throw new Error(`no task ${id}`);
  return t;
};
const days = (t: ScheduledTask, kind?: string) =>
  t.reminders.filter((r) => !kind || r.kind === kind).map((r) => r.at);

describe('镇机关-style plan from 2009-09-01: National Day 2009 and Spring Festival 2010', () => {
  it('a +10wd step counts ten working days from the start', () => {
    expect(task('convey_spirit').dueAt).toBe('2009-09-15T17:30:00+08:00');
  });

  it('3 working days before 09-30 is the 调休 Sunday 09-27', () => {
    const t = task('implementation_plan');
    expect(t.dueAt).toBe('2009-09-30T17:30:00+08:00');
    expect(days(t, 'working_days_before')).toEqual([
      '2009-09-27T09:00:00+08:00',
      '2009-09-29T09:00:00+08:00',
    ]);
    expect(days(t, 'due_day')).toEqual(['2009-09-30T09:00:00+08:00']);
    expect(t.needsReview).toBe(true);
  });

  it('escalations after a 09-30 deadline skip the holiday and use the 调休 Saturday 10-10', () => {
    expect(task('implementation_plan').escalations.map((e) => [e.level, e.at])).toEqual([
      [1, '2009-10-09T09:00:00+08:00'],
      [2, '2009-10-12T09:00:00+08:00'], // 10-09, 10-10 (Sat, 调休), 10-12
      [3, '2009-10-14T09:00:00+08:00'],
      [4, '2009-10-21T09:00:00+08:00'],
    ]);
  });

  it('a deadline in 10月上旬 ends on the 调休 Saturday 10-10, reminded 10-09 and 09-29', () => {
    const t = task('mobilisation');
    expect(t.dueAt).toBe('2009-10-10T17:30:00+08:00');
    expect(days(t, 'working_days_before')).toEqual([
      '2009-09-29T09:00:00+08:00',
      '2009-10-09T09:00:00+08:00',
    ]);
  });

  it('a deadline on 10-01 moves to the previous working day', () => {
    expect(task('publicity').dueAt).toBe('2009-09-30T17:30:00+08:00');
  });

  it('a stage ending 12月中旬 (Sunday 12-20) ends Friday 12-18', () => {
    expect(schedule.stages.find((s) => s.stageId === 'analysis')?.dueAt).toBe('2009-12-18T17:30:00+08:00');
  });

  it('a 回头看 due 2010-02 中旬 ends on the 调休 Saturday 02-20; reminders jump the Spring Festival', () => {
    const t = task('look_back');
    expect(t.dueAt).toBe('2010-02-20T17:30:00+08:00');
    expect(days(t, 'working_days_before')).toEqual([
      '2010-02-10T09:00:00+08:00',
      '2010-02-12T09:00:00+08:00',
    ]);
    expect(t.escalations[0]?.at).toBe('2010-02-21T09:00:00+08:00'); // Sunday 调休
  });

  it('a deadline in the Spring Festival (02-15) moves to 02-12; reminders before the opening are dropped', () => {
    const t = task('satisfaction_survey');
    expect(t.dueAt).toBe('2010-02-12T17:30:00+08:00');
    expect(t.reminders.map((r) => [r.kind, r.at])).toEqual([['opened', '2010-02-12T09:00:00+08:00']]);
    expect(t.escalations[0]?.at).toBe('2010-02-20T09:00:00+08:00');
  });

  it('the after_previous stage opens when the analysis stage is due; +15wd counts from there', () => {
    const t = task('rectification_plan');
    expect(t.opensAt).toBe('2009-12-18T17:30:00+08:00');
    expect(t.reminders[0]).toMatchObject({ kind: 'opened', at: '2009-12-21T09:00:00+08:00' });
    expect(t.dueAt).toBe('2010-01-11T17:30:00+08:00'); // 12-21 … 01-11, 01-01 being a holiday
  });

  it('the whole-month window 2010-02 ends Friday 02-26 (02-28 is a Sunday)', () => {
    expect(task('summary_report').dueAt).toBe('2010-02-26T17:30:00+08:00');
  });

  it('every reminder and escalation is on a working day within office hours', () => {
    for (const t of schedule.tasks) {
      for (const at of [...t.reminders.map((r) => r.at), ...t.escalations.map((e) => e.at)]) {
        expect(isInOfficeHours(cal, at), `${t.taskId} ${at}`).toBe(true);
        expect(cal.isWorkingDay(localDateOf(cal, at))).toBe(true);
      }
    }
  });

  it('steps for units with a party committee are left out for units without one', () => {
    const without = buildSchedule(plan, { ...unit, flags: [] }, '2009-09-01');
    expect(schedule.tasks.map((t) => t.taskId)).toContain('democratic_life_meeting');
    expect(without.tasks.map((t) => t.taskId)).not.toContain('democratic_life_meeting');
    expect(without.tasks).toHaveLength(schedule.tasks.length - 1);
  });

  it('carries the review checklist (四不通过) into the task', () => {
    const t = task('analysis_report');
    expect(t.checklist?.title).toBe('四不通过');
    expect(t.checklist?.items).toHaveLength(4);
  });

  it('is deterministic and JSON-serialisable', () => {
    const again = buildSchedule(plan, unit, '2009-09-01');
    expect(again).toEqual(schedule);
    expect(JSON.parse(JSON.stringify(schedule))).toEqual(schedule);
  });

  it('refuses a unit type the plan does not serve', () => {
    expect(() => buildSchedule(plan, { id: 'v', type: 'village', flags: [] }, '2009-09-01')).toThrow(
      '不适用于单位类型「农村党组织（村）」',
    );
  });
});

describe('the shipped 镇机关 plan (plans/town_office.yaml) from 2009-09-01', () => {
  const town = loadFixturePlan('plans/town_office.yaml');
  const s = buildSchedule(town, unit, '2009-09-01');
  const tcal = calendarForPlan(town);

  it('schedules every step with working-day deadlines at the seed’s stage ends', () => {
    expect(s.tasks.length).toBe(town.stages.reduce((n, st) => n + st.steps.length, 0));
    for (const t of s.tasks) expect(tcal.isWorkingDay(t.dueDate), t.taskId).toBe(true);
    expect(s.stages.map((st) => st.dueAt)).toEqual([
      '2009-11-10T17:30:00+08:00', // 11月上旬
      '2009-12-18T17:30:00+08:00', // 12月中旬: Sunday 12-20 → Friday 12-18
      '2010-02-26T17:30:00+08:00', // 2010年2月: Sunday 02-28 → Friday 02-26
    ]);
  });

  it('never reminds or escalates on a holiday of the National Day or Spring Festival', () => {
    for (const t of s.tasks) {
      for (const at of [...t.reminders.map((r) => r.at), ...t.escalations.map((e) => e.at)]) {
        const d = localDateOf(tcal, at);
        expect(d >= '2009-10-01' && d <= '2009-10-08', `${t.taskId} ${at}`).toBe(false);
        expect(d >= '2010-02-13' && d <= '2010-02-19', `${t.taskId} ${at}`).toBe(false);
        expect(isInOfficeHours(tcal, at)).toBe(true);
      }
    }
  });
});
