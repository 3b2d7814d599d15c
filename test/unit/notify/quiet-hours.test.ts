import { afterEach, describe, expect, it } from 'vitest';
import type { Mailer } from '../../../activities/notify/mailer.js';
import { createHttpGatewaySms } from '../../../activities/notify/sms/http-gateway.js';
import type { DeliverNotificationInput } from '../../../activities/notify/types.js';
import { loadPlanText } from '../../../domain/plan/load.js';
import { quietHoursFor, type QuietHoursSpec } from '../../../domain/routing/index.js';
import { buildActivities } from './support/notify-fixture.js';
import { startHttpReceiver, type HttpReceiver } from './support/http-receiver.js';
import { SAMPLE_FACTS } from './support/sample-facts.js';

const receivers: HttpReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

/** A village plan: office opens at 08:00, and the plan declares Monday 2009-12-14 a 农忙 day off. */
function villageSpec(quietHours = ''): QuietHoursSpec {
  const r = loadPlanText(
    `schemaVersion: 1
id: v
title: 村计划
unitTypes: [village]
channels: [email, sms]
calendar:
  kind: cn
  officeHours: { start: "08:00", end: "17:00" }
  overrides: [{ date: 2009-12-14, working: false, note: 农忙放假 }]
${quietHours}
reminders: {}
escalation: { levels: [{ level: 1, after: 1wd, to: [liaison] }] }
stages:
  - { id: s, title: 阶段, window: { due: 2009-12-31 }, steps: [{ id: a, title: 甲 }] }
`,
    'v.yaml',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return quietHoursFor(r.plan);
}

async function setup() {
  const gateway = await startHttpReceiver(() => ({ json: { ok: true, id: 'g' } }));
  receivers.push(gateway);
  const mails: string[] = [];
  const mailer: Mailer = {
    send: (m) => {
      mails.push(m.messageId);
      return Promise.resolve({ response: '250 ok' });
    },
    close: () => undefined,
  };
  const built = buildActivities({
    sms: createHttpGatewaySms({ url: `${gateway.url}/send`, maxSegments: 3 }),
    mailer,
  });
  return { ...built, gateway, mails };
}

const input = (id: string, quietHours?: QuietHoursSpec): DeliverNotificationInput => ({
  notificationId: `campaign/c1/unit/u7/reminder/${id}`,
  event: 'reminder',
  facts: SAMPLE_FACTS.reminder,
  recipients: [{ role: 'liaison', name: '张明', mobile: '13812345678', email: 'zhang@example.cn' }],
  channels: ['sms', 'email'],
  ...(quietHours ? { quietHours } : {}),
});

describe('quiet hours from the plan', () => {
  it('the plan’s own holiday and office hours decide when a deferred SMS goes out', async () => {
    const { activities, clock, gateway, mails } = await setup();
    clock.current = new Date('2009-12-11T14:00:00Z'); // Friday 22:00 in Beijing
    const report = await activities.deliverNotification(input('p1', villageSpec()));
    // Monday is the plan's 农忙 day off, so Tuesday at the plan's 08:00 (not the worker's 08:30, not Monday).
    expect(report.deferUntil).toBe('2009-12-15T00:00:00.000Z');
    expect(report.results.find((r) => r.channel === 'email')?.outcome).toBe('sent');
    expect(gateway.requests()).toHaveLength(0);
    expect(mails).toHaveLength(1);

    clock.current = new Date('2009-12-14T01:00:00Z'); // Monday 09:00: a working day for the worker, not for the plan
    expect((await activities.deliverNotification(input('p1', villageSpec()))).deferUntil).toBe(
      '2009-12-15T00:00:00.000Z',
    );
    clock.current = new Date('2009-12-15T00:00:00Z');
    const later = await activities.deliverNotification(input('p1', villageSpec()));
    expect(later.results.map((r) => [r.channel, r.outcome])).toEqual([
      ['sms', 'sent'],
      ['email', 'already_sent'],
    ]);
    expect(gateway.requests()).toHaveLength(1);
  });

  it('without the plan’s spec the worker’s configured calendar applies (Monday 08:30)', async () => {
    const { activities, clock } = await setup();
    clock.current = new Date('2009-12-11T14:00:00Z');
    expect((await activities.deliverNotification(input('p2'))).deferUntil).toBe('2009-12-14T00:30:00.000Z');
  });

  it('a plan may let SMS go any time and hold email to working days', async () => {
    const { activities, clock, gateway, mails } = await setup();
    const spec = villageSpec('routing: { quietHours: { sms: any_time, email: working_days } }');
    clock.current = new Date('2009-12-11T14:00:00Z'); // Friday 22:00: a working day
    const friday = await activities.deliverNotification(input('p3', spec));
    expect(friday.results.map((r) => r.outcome)).toEqual(['sent', 'sent']);
    clock.current = new Date('2009-12-12T02:00:00Z'); // Saturday 10:00
    const saturday = await activities.deliverNotification(input('p4', spec));
    expect(saturday.results.map((r) => [r.channel, r.outcome])).toEqual([
      ['sms', 'sent'],
      ['email', 'deferred'],
    ]);
    expect(saturday.deferUntil).toBe('2009-12-15T00:00:00.000Z');
    expect([gateway.requests().length, mails.length]).toEqual([2, 1]);
  });

  it('ignoreQuietHours still overrides the plan’s rules', async () => {
    const { activities, clock } = await setup();
    clock.current = new Date('2009-12-12T14:00:00Z');
    const r = await activities.deliverNotification({ ...input('p5', villageSpec()), ignoreQuietHours: true });
    expect(r.results.map((x) => x.outcome)).toEqual(['sent', 'sent']);
  });

  it('a malformed spec is rejected before anything is sent, naming the field', async () => {
    const { activities, gateway } = await setup();
    const bad = villageSpec();
    bad.calendar.zone = 'Asia/Beijing';
    await expect(activities.deliverNotification(input('p6', bad))).rejects.toMatchObject({
      type: 'InvalidNotificationInput',
      nonRetryable: true,
      message: expect.stringContaining('quietHours.calendar.zone：未知的时区') as unknown,
    });
    expect(gateway.requests()).toHaveLength(0);
  });
});
