import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPlanText } from '../../../domain/plan/load.js';
import type { Plan } from '../../../domain/plan/schema.js';
import {
  EVENT_KINDS,
  escalationEventFor,
  routeNotification,
  type EventKind,
} from '../../../domain/routing/index.js';

const root = new URL('../../../', import.meta.url);

function planFrom(text: string): Plan {
  const r = loadPlanText(text, 'test.yaml');
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.line}: ${i.path}: ${i.message}`).join('\n'));
  return r.plan;
}
const shipped = (name: string) => planFrom(readFileSync(new URL(`plans/${name}.yaml`, root), 'utf8'));

/** A small valid plan; `extra` is YAML inserted at the top level. */
function plan(extra = '', channels = '[email, sms, dingtalk]'): Plan {
  return planFrom(`schemaVersion: 1
id: t
title: 测试
unitTypes: [village]
channels: ${channels}
reminders: { workingDaysBefore: [1], to: [liaison, unit_head] }
escalation:
  levels:
    - { level: 1, after: 1wd, to: [liaison] }
    - { level: 2, after: 3wd, to: [unit_head], cc: [liaison, paired_agency] }
    - { level: 3, after: 5wd, to: [supervisor_group], cc: [unit_head, paired_agency], channels: [email, sms], ignoreQuietHours: true }
    - { level: 4, after: 9wd, to: [office], cc: [supervisor_group, unit_head, paired_agency] }
satisfaction: { step: survey, dissatisfiedShareAbove: 0.5, maxRemedialRounds: 1, remedialDuration: 5wd, afterMaxRounds: escalate_office, reportTo: [office] }
${extra}
stages:
  - id: s
    title: 阶段
    window: { open: 2009-09-01, due: 2009-12-31 }
    steps:
      - { id: survey, title: 测评, kind: satisfaction_survey }
`);
}

describe('routeNotification without a routing section (today’s behaviour)', () => {
  const p = plan();
  const cases: [EventKind, string[]][] = [
    ['kickoff', ['liaison', 'unit_head', 'supervisor_group']],
    ['stage_opened', ['liaison', 'unit_head']],
    ['reminder', ['liaison', 'unit_head']],
    ['due_today', ['liaison', 'unit_head']],
    ['returned', ['liaison', 'unit_head']],
    ['approved', ['liaison', 'unit_head']],
    ['lookback_gaps', ['liaison', 'unit_head', 'supervisor_group']],
    ['survey_result', ['office']],
    ['remedial_opened', ['liaison', 'unit_head', 'supervisor_group']],
    ['completed', ['office', 'supervisor_group', 'unit_head']],
  ];
  it.each(cases)('%s goes to %j on every plan channel, quiet hours respected', (event, to) => {
    expect(routeNotification(p, event)).toEqual({
      to,
      cc: [],
      channels: ['email', 'sms', 'dingtalk'],
      ignoreQuietHours: false,
    });
  });

  it('reminders follow reminders.to and survey results satisfaction.reportTo', () => {
    const other = { ...p, reminders: { ...p.reminders, to: ['unit_head' as const] } };
    expect(routeNotification(other, 'reminder').to).toEqual(['unit_head']);
    expect(routeNotification({ ...p, satisfaction: undefined }, 'survey_result').to).toEqual([
      'office',
      'supervisor_group',
    ]);
  });

  it('the overdue ladder climbs liaison → unit head → 指导组 (督办) → office (通报), paired agency in copy', () => {
    const p = plan();
    expect(routeNotification(p, 'urge', { level: 1 })).toEqual({
      to: ['liaison'],
      cc: [],
      channels: ['email', 'sms', 'dingtalk'],
      ignoreQuietHours: false,
    });
    expect(routeNotification(p, 'urge', { level: 2 })).toMatchObject({
      to: ['unit_head'],
      cc: ['liaison', 'paired_agency'],
    });
    expect(routeNotification(p, 'supervise', { level: 3 })).toEqual({
      to: ['supervisor_group'],
      cc: ['unit_head', 'paired_agency'],
      channels: ['email', 'sms'],
      ignoreQuietHours: true,
    });
    expect(routeNotification(p, 'bulletin', { level: 4 })).toMatchObject({
      to: ['office'],
      cc: ['supervisor_group', 'unit_head', 'paired_agency'],
      ignoreQuietHours: false,
    });
  });

  it('a level past the last one is the last one repeating; no level falls back to the usual rung of that kind', () => {
    expect(routeNotification(p, 'bulletin', { level: 7 })).toEqual(
      routeNotification(p, 'bulletin', { level: 4 }),
    );
    expect(routeNotification(p, 'urge')).toMatchObject({ to: ['liaison'], cc: ['unit_head'] });
    expect(routeNotification(p, 'supervise', { level: 0 })).toMatchObject({
      to: ['supervisor_group'],
      cc: ['unit_head'],
    });
    expect(routeNotification(p, 'bulletin', { level: 1.5 })).toMatchObject({
      to: ['office'],
      cc: ['supervisor_group', 'unit_head'],
    });
  });

  it('a level on a non-escalation event changes nothing', () => {
    expect(routeNotification(p, 'approved', { level: 3 })).toEqual(routeNotification(p, 'approved'));
  });

  it('a plan object from before routing existed routes like the defaults', () => {
    const { routing: _unused, ...old } = p;
    for (const e of EVENT_KINDS)
      expect(routeNotification(old, e, { level: 3 })).toEqual(routeNotification(p, e, { level: 3 }));
  });
});

describe('routeNotification with a routing section', () => {
  const p = plan(`routing:
  events:
    returned: { to: [liaison], cc: [unit_head, liaison], channels: [email] }
    reminder: { channels: [sms, email] }
    approved: { channels: [] }
    bulletin: { channels: [dingtalk, email], ignoreQuietHours: true }
    urge: { channels: [sms] }
  quietHours: { sms: working_days }`);

  it('replaces recipients and channels per event; cc never repeats a recipient of to', () => {
    expect(routeNotification(p, 'returned')).toEqual({
      to: ['liaison'],
      cc: ['unit_head'],
      channels: ['email'],
      ignoreQuietHours: false,
    });
  });

  it('keeps default recipients where only channels are given, in the plan’s channel order', () => {
    expect(routeNotification(p, 'reminder')).toEqual({
      to: ['liaison', 'unit_head'],
      cc: [],
      channels: ['email', 'sms'],
      ignoreQuietHours: false,
    });
  });

  it('an empty channel list silences an event', () => {
    expect(routeNotification(p, 'approved').channels).toEqual([]);
  });

  it('escalation kinds take channels and ignoreQuietHours from the event route unless the level sets them', () => {
    expect(routeNotification(p, 'bulletin', { level: 4 })).toMatchObject({
      to: ['office'],
      channels: ['email', 'dingtalk'],
      ignoreQuietHours: true,
    });
    expect(routeNotification(p, 'urge', { level: 1 })).toMatchObject({
      to: ['liaison'],
      channels: ['sms'],
      ignoreQuietHours: false,
    });
    // Level 3 names its own channels and quiet-hours rule; the event route does not override it.
    expect(routeNotification(p, 'supervise', { level: 3 })).toMatchObject({
      channels: ['email', 'sms'],
      ignoreQuietHours: true,
    });
  });

  it('never returns a channel the plan does not use, even from a hand-built plan', () => {
    const narrowed = { ...p, channels: ['email' as const] };
    expect(routeNotification(narrowed, 'reminder').channels).toEqual(['email']);
    expect(routeNotification(narrowed, 'urge', { level: 1 }).channels).toEqual([]);
  });

  it('quiet-hours rules default per channel and can be changed', () => {
    expect(p.routing.quietHours).toEqual({
      email: 'any_time',
      sms: 'working_days',
      dingtalk: 'office_hours',
      wecom: 'office_hours',
    });
    expect(plan().routing).toEqual({
      events: {},
      quietHours: { email: 'any_time', sms: 'office_hours', dingtalk: 'office_hours', wecom: 'office_hours' },
    });
  });
});

describe('the shipped plans', () => {
  it('town_office: the 镇机关 ladder from the seed (no paired agency: 结对 binds 区直机关 to villages, communities and 两新 only)', () => {
    const p = shipped('town_office');
    const rungs = [1, 2, 3, 4].map((level) => {
      const r = routeNotification(p, escalationEventFor(p.escalation.levels[level - 1]?.to ?? []), { level });
      return [escalationEventFor(r.to), r.to, r.cc];
    });
    expect(rungs).toEqual([
      ['urge', ['liaison'], []],
      ['urge', ['unit_head'], ['liaison']],
      ['supervise', ['supervisor_group'], ['unit_head']],
      ['bulletin', ['office'], ['supervisor_group', 'unit_head']],
    ]);
    expect(routeNotification(p, 'reminder').channels).toEqual(['email', 'sms']);
  });

  it('demo: the paired agency is copied from level 2 on', () => {
    const p = shipped('demo');
    expect(
      [2, 3, 4].map((level) => routeNotification(p, 'supervise', { level }).cc.includes('paired_agency')),
    ).toEqual([true, true, true]);
    expect(routeNotification(p, 'urge', { level: 1 }).cc).toEqual([]);
  });
});

describe('escalationEventFor', () => {
  it('names a rung by the highest body it reaches', () => {
    expect(escalationEventFor(['liaison'])).toBe('urge');
    expect(escalationEventFor(['unit_head', 'supervisor_group'])).toBe('supervise');
    expect(escalationEventFor(['supervisor_group', 'office'])).toBe('bulletin');
  });
});
