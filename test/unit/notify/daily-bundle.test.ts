/**
 * Non-urgent kinds (a plan's `routing.nonUrgent`) go out at most once per working day per person:
 * held until the daily bundle (the office opening), where every unit's held items meet in the
 * coalescing window and leave as one mail. The plan's list is validated at load.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationSettings } from '../../../activities/notify/activities.js';
import { type Mailer } from '../../../activities/notify/mailer.js';
import { dailyBundleAt } from '../../../activities/notify/quiet-hours.js';
import type { DeliverNotificationInput, EventKind } from '../../../activities/notify/types.js';
import { formatIssue } from '../../../domain/plan/issue.js';
import { loadPlanText } from '../../../domain/plan/load.js';
import { quietHoursFor, type QuietHoursSpec } from '../../../domain/routing/quiet-spec.js';
import { type Mailbox, openLoopbackMail } from '../../support/mailbox.js';
import { buildActivities, OFFICE_TIME, TestClock, weekdayCalendar } from './support/notify-fixture.js';
import { SAMPLE_FACTS } from './support/sample-facts.js';

const DEMO = readFileSync(new URL('../../../plans/demo.yaml', import.meta.url), 'utf8');
const withNonUrgent = (list: string) =>
  DEMO.replace(/^channels: \[email\]$/m, `channels: [email]\nrouting:\n  nonUrgent: ${list}`);

/** Wednesday office hours 08:30–18:00 in Beijing, weekends off. */
const SPEC: QuietHoursSpec = {
  calendar: {
    kind: 'weekdays',
    zone: 'Asia/Shanghai',
    officeHours: { start: '08:30', end: '18:00' },
    overrides: [],
  },
  rules: { email: 'any_time', sms: 'office_hours', dingtalk: 'office_hours', wecom: 'office_hours' },
  nonUrgent: ['approved', 'stage_opened'],
};

describe('the plan marks non-urgent kinds', () => {
  it('routing.nonUrgent travels to the activity with the plan’s quiet hours', () => {
    const r = loadPlanText(withNonUrgent('[approved, stage_opened]'), 'demo.yaml');
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
    expect(quietHoursFor(r.plan).nonUrgent).toEqual(['approved', 'stage_opened']);
    const plain = loadPlanText(DEMO, 'demo.yaml');
    if (!plain.ok) throw new Error('demo plan invalid');
    expect(quietHoursFor(plain.plan)).not.toHaveProperty('nonUrgent');
  });

  it('escalations and unknown kinds are refused, in Chinese, with the field', () => {
    const bad = loadPlanText(withNonUrgent('[approved, supervise]'), 'demo.yaml');
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.issues.map(formatIssue).join('\n')).toMatch(
        /routing\.nonUrgent: 催办、督办、通报是逾期升级提醒，不能列为非紧急/,
      );
    const unknown = loadPlanText(withNonUrgent('[approve]'), 'demo.yaml');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.issues.map(formatIssue).join('\n')).toMatch(/routing\.nonUrgent\[0\]/);
  });
});

describe('the daily bundle instant', () => {
  const cal = weekdayCalendar();
  it('is today’s office opening while it is ahead, else the next working day’s', () => {
    expect(dailyBundleAt(cal, new Date('2009-12-08T23:00:00Z')).toISOString()).toBe(
      '2009-12-09T00:30:00.000Z',
    );
    expect(dailyBundleAt(cal, new Date('2009-12-09T00:30:00Z')).toISOString()).toBe(
      '2009-12-09T00:30:00.000Z',
    );
    expect(dailyBundleAt(cal, OFFICE_TIME).toISOString()).toBe('2009-12-10T00:30:00.000Z');
    // Friday afternoon → Monday morning.
    expect(dailyBundleAt(cal, new Date('2009-12-11T06:00:00Z')).toISOString()).toBe(
      '2009-12-14T00:30:00.000Z',
    );
  });
});

describe('non-urgent notifications wait for the daily bundle', () => {
  let mail: Awaited<ReturnType<typeof openLoopbackMail>>;
  let mailbox: Mailbox;
  let mailer: Mailer;
  beforeAll(async () => {
    mail = await openLoopbackMail();
    ({ mailbox, mailer } = mail);
  });
  afterAll(async () => mail?.close());

  const settings: NotificationSettings = {
    officeName: '区学习实践活动办公室',
    mailFrom: '区学习实践活动办公室 <office@xuexi.example.gov.cn>',
    officeHours: { start: '08:30', end: '18:00', zone: 'Asia/Shanghai' },
    quietChannels: [],
    claimLeaseMs: 120_000,
    bundleWindowMs: 300,
  };
  const to = 'zhangming@dongjie.example.cn';
  const item = (unit: string, event: EventKind): DeliverNotificationInput => ({
    notificationId: `campaign/c1/unit/${unit}/task/report/${event}/1`,
    event,
    facts: { ...SAMPLE_FACTS[event], unit: `${unit}社区` },
    recipients: [{ role: 'liaison', name: '张明', email: to }],
    channels: ['email'],
    quietHours: SPEC,
  });

  it('held to the next office opening, then one mail for all units’ held items; urgent kinds go at once', async () => {
    const clock = new TestClock(OFFICE_TIME); // Wednesday 10:00
    const { activities } = buildActivities({ mailer, clock, settings });
    const before = mailbox.messages().length;
    const held = await Promise.all([
      activities.deliverNotification(item('东街', 'approved')),
      activities.deliverNotification(item('西街', 'approved')),
      activities.deliverNotification(item('南街', 'stage_opened')),
    ]);
    expect(held.map((r) => [r.results[0]?.outcome, r.deferUntil])).toEqual(
      Array(3).fill(['deferred', '2009-12-10T00:30:00.000Z']),
    );
    const urgent = await activities.deliverNotification(item('北街', 'supervise'));
    expect(urgent.results[0]?.outcome).toBe('sent');
    await mailbox.waitFor(before + 1);

    // The workflows wake at the instant they were given and call again: one mail for the three.
    clock.current = new Date('2009-12-10T00:30:02Z');
    const woke = await Promise.all(
      held.map((r, i) =>
        activities.deliverNotification({
          ...item(['东街', '西街', '南街'][i]!, i < 2 ? 'approved' : 'stage_opened'),
          notificationId: r.notificationId,
        }),
      ),
    );
    expect(woke.map((r) => r.results[0]?.outcome)).toEqual(['sent', 'sent', 'sent']);
    const mails = (await mailbox.waitFor(before + 2)).slice(before);
    expect(mails[1]?.subject).toBe('学习实践活动提醒：您有 3 项通知（阶段开启 1 项、审核通过 2 项）');
    await new Promise((r) => setTimeout(r, 200));
    expect(mailbox.messages().length - before).toBe(2);
  });

  it('ignoreQuietHours lets a non-urgent kind through at once', async () => {
    const { activities } = buildActivities({ mailer, clock: new TestClock(OFFICE_TIME), settings });
    const r = await activities.deliverNotification({ ...item('中街', 'approved'), ignoreQuietHours: true });
    expect(r.results[0]?.outcome).toBe('sent');
  });
});
