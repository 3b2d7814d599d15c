import { describe, expect, it } from 'vitest';
import { loadPlanText } from '../../../domain/plan/load.js';
import {
  buildSchedule,
  nextEscalationRepeat,
  rescheduleTask,
  shiftTasks,
  calendarForPlan,
} from '../../../domain/schedule/index.js';
import { loadFixturePlan } from './helpers.js';

const plan = loadFixturePlan('test/fixtures/plans-good/town_mini.yaml');
const unit = { id: 'u', type: 'town_office' as const, flags: [] };
const s = buildSchedule(plan, unit, '2009-09-01');
const byId = (id: string) => s.tasks.find((t) => t.taskId === id)!;

describe('rescheduling', () => {
  it('an extension to a holiday date lands on the previous working day, reminders recomputed', () => {
    const t = rescheduleTask(plan, byId('convey_spirit'), '2009-10-05');
    expect(t.dueAt).toBe('2009-09-30T17:30:00+08:00');
    expect(t.opensAt).toBe(byId('convey_spirit').opensAt);
    expect(t.reminders.filter((r) => r.kind === 'working_days_before').map((r) => r.at)).toEqual([
      '2009-09-27T09:00:00+08:00',
      '2009-09-29T09:00:00+08:00',
    ]);
    expect(t.escalations[0]?.at).toBe('2009-10-09T09:00:00+08:00');
  });

  it('an exact instant is kept as given', () => {
    const t = rescheduleTask(plan, byId('convey_spirit'), '2009-09-18T12:00:00+08:00');
    expect(t.dueAt).toBe('2009-09-18T12:00:00+08:00');
    expect(t.dueDate).toBe('2009-09-18');
  });

  it('shifting by 5 working days moves across National Day; time of day is kept', () => {
    const [a, b] = shiftTasks(plan, [byId('implementation_plan'), byId('convey_spirit')], '5wd');
    expect(a?.dueAt).toBe('2009-10-14T17:30:00+08:00'); // 09-30 + 10-09, 10-10, 10-12, 10-13, 10-14
    expect(a?.opensAt).toBe('2009-09-08T09:00:00+08:00');
    expect(b?.dueAt).toBe('2009-09-22T17:30:00+08:00');
  });

  it('shifting by calendar days moves a deadline that lands on a holiday per the plan rule', () => {
    const [a] = shiftTasks(plan, [byId('implementation_plan')], '3d'); // 10-03 → 09-30
    expect(a?.dueAt).toBe('2009-09-30T17:30:00+08:00');
  });

  it('repeats the last escalation level every 5 working days', () => {
    const cal = calendarForPlan(plan);
    expect(nextEscalationRepeat(cal, plan.escalation, '2009-09-28T09:00:00+08:00')).toBe(
      '2009-10-12T09:00:00+08:00',
    );
  });
});

const DRILL = `
schemaVersion: 1
id: drill
title: 演示
unitTypes: [town_office]
calendar: { kind: continuous }
channels: [email]
reminders: { before: [30s, 10s], onOpen: true }
escalation:
  levels:
    - { level: 1, after: 20s, to: [liaison] }
    - { level: 2, after: 40s, to: [unit_head], cc: [paired_agency] }
stages:
  - id: s1
    title: 准备
    window: { open: +0s, due: +90s }
    steps:
      - { id: a, title: 制定实施方案 }
  - id: s2
    title: 整改
    opens: after_previous
    window: { due: +2m }
    steps:
      - { id: b, title: 回头看, window: { open: +30s, due: +60s } }
`;

describe('second-scale drills and compressed plans', () => {
  const loaded = loadPlanText(DRILL, 'drill.yaml');
  if (!loaded.ok) throw new Error('drill invalid');
  const drill = loaded.plan;

  it('places everything by the second in a continuous calendar', () => {
    const d = buildSchedule(drill, unit, '2009-09-01T09:00:00+08:00');
    const [a, b] = d.tasks;
    expect(a?.dueAt).toBe('2009-09-01T09:01:30+08:00');
    expect(a?.reminders.map((r) => r.at)).toEqual([
      '2009-09-01T09:00:00+08:00',
      '2009-09-01T09:01:00+08:00',
      '2009-09-01T09:01:20+08:00',
    ]);
    expect(a?.escalations.map((e) => e.at)).toEqual([
      '2009-09-01T09:01:50+08:00',
      '2009-09-01T09:02:10+08:00',
    ]);
    expect(b?.opensAt).toBe('2009-09-01T09:02:00+08:00'); // after_previous: stage opens 09:01:30, +30s
    expect(b?.dueAt).toBe('2009-09-01T09:02:30+08:00');
  });

  it('timeScale compresses a real plan: one plan day lasts 10 seconds', () => {
    const scaled = loadFixturePlan('test/fixtures/plans-good/town_mini.yaml');
    const fast = buildSchedule({ ...scaled, timeScale: { dayLasts: '10s' } }, unit, '2009-09-01');
    expect(fast.timeScale).toEqual({ origin: '2009-09-01T09:00:00+08:00', factor: 10 / 86_400 });
    const t = fast.tasks.find((x) => x.taskId === 'convey_spirit')!;
    // Real: due 2009-09-15 17:30, i.e. 14 days 8.5 hours after the start → 143.54 s.
    expect(t.dueAt).toBe('2009-09-01T09:02:23.542+08:00');
    const again = rescheduleTask(scaled, t, '2009-09-30', { timeScale: fast.timeScale });
    expect(again.dueDate).toBe('2009-09-30');
    expect(Date.parse(again.dueAt) - Date.parse(fast.start)).toBe(
      Math.round((((29 * 86_400 + 8.5 * 3600) * 10) / 86_400) * 1000),
    );
  });
});
