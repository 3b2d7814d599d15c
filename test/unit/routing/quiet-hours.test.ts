import { describe, expect, it } from 'vitest';
import { makeCalendar } from '../../../domain/calendar/index.js';
import { loadPlanText } from '../../../domain/plan/load.js';
import { quietHoursFor, quietUntil } from '../../../domain/routing/index.js';

const cn = makeCalendar({ kind: 'cn', zone: 'Asia/Shanghai', officeHours: { start: '08:30', end: '18:00' } });

describe('quietUntil on the Chinese working-day calendar', () => {
  it('office_hours: an SMS at 22:00 on Friday waits for Monday 08:30', () => {
    expect(quietUntil(cn, 'office_hours', '2009-12-11T22:00:00+08:00')).toBe('2009-12-14T08:30:00+08:00');
    expect(quietUntil(cn, 'office_hours', '2009-12-11T10:00:00+08:00')).toBeUndefined();
    expect(quietUntil(cn, 'office_hours', '2009-12-11T07:00:00+08:00')).toBe('2009-12-11T08:30:00+08:00');
    expect(quietUntil(cn, 'office_hours', '2009-12-11T18:00:00+08:00')).toBe('2009-12-14T08:30:00+08:00');
  });

  it('skips National Day 2009 and honours the 调休 Saturday 10-10', () => {
    expect(quietUntil(cn, 'office_hours', '2009-09-30T20:00:00+08:00')).toBe('2009-10-09T08:30:00+08:00');
    expect(quietUntil(cn, 'office_hours', '2009-10-09T19:00:00+08:00')).toBe('2009-10-10T08:30:00+08:00');
  });

  it('working_days: any time of a working day, holidays wait for the next working morning', () => {
    expect(quietUntil(cn, 'working_days', '2009-12-11T22:00:00+08:00')).toBeUndefined();
    expect(quietUntil(cn, 'working_days', '2009-12-12T10:00:00+08:00')).toBe('2009-12-14T08:30:00+08:00');
  });

  it('any_time never waits', () => {
    expect(quietUntil(cn, 'any_time', '2009-10-01T03:00:00+08:00')).toBeUndefined();
  });
});

describe('quietHoursFor', () => {
  it('carries the plan’s calendar, office hours, resolved overrides and per-channel rules', () => {
    const r = loadPlanText(
      `schemaVersion: 1
id: t
title: 测试
unitTypes: [village]
channels: [email, sms]
calendar:
  kind: cn
  officeHours: { start: "08:00", end: "12:00" }
  overrides: [{ date: 2009-12-14, working: false, note: 秋收农忙 }]
routing: { quietHours: { email: office_hours } }
reminders: {}
escalation: { levels: [{ level: 1, after: 1wd, to: [liaison] }] }
stages:
  - { id: s, title: 阶段, window: { due: 2009-12-31 }, steps: [{ id: a, title: 甲 }] }
`,
      't.yaml',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const spec = quietHoursFor(r.plan);
    expect(spec).toEqual({
      calendar: {
        kind: 'cn',
        zone: 'Asia/Shanghai',
        officeHours: { start: '08:00', end: '12:00' },
        overrides: [{ date: '2009-12-14', working: false, note: '秋收农忙' }],
      },
      rules: { email: 'office_hours', sms: 'office_hours', dingtalk: 'office_hours', wecom: 'office_hours' },
    });
    // The override makes Monday a holiday: Friday 13:00 waits until Tuesday 08:00.
    const cal = makeCalendar(spec.calendar);
    expect(quietUntil(cal, spec.rules.sms, '2009-12-11T13:00:00+08:00')).toBe('2009-12-15T08:00:00+08:00');
  });
});
