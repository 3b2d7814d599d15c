/**
 * One mail per person (issue 16, activities/notify/bundle.ts), against the real loopback SMTP
 * server: notifications due for one address at one instant arrive as one mail listing them all;
 * every item keeps its own row in the delivery log, settled with the bundle's Message-ID; a crash
 * between the provider and the log still sends each item once; escalation repeats are capped per
 * address and week and the capped ones are recorded 'suppressed'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPEAT_CAP_CODE } from '../../../activities/notify/bundle.js';
import type { NotificationSettings } from '../../../activities/notify/activities.js';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { type Mailer } from '../../../activities/notify/mailer.js';
import type { DeliverNotificationInput } from '../../../activities/notify/types.js';
import { type Mailbox, openLoopbackMail } from '../../support/mailbox.js';
import { dyingOnce } from './support/dying-log.js';
import { buildActivities, OFFICE_TIME, TestClock } from './support/notify-fixture.js';
import { SAMPLE_FACTS } from './support/sample-facts.js';

const WINDOW_MS = 300;

function settings(extra: Partial<NotificationSettings> = {}): NotificationSettings {
  return {
    officeName: '区学习实践活动办公室',
    mailFrom: '区学习实践活动办公室 <office@xuexi.example.gov.cn>',
    officeHours: { start: '08:30', end: '18:00', zone: 'Asia/Shanghai' },
    quietChannels: ['sms', 'dingtalk', 'wecom'],
    claimLeaseMs: 120_000,
    bundleWindowMs: WINDOW_MS,
    ...extra,
  };
}

let seq = 0;
/** A 督办 of one unit to one 指导组 member; `repeat` ≥ 1 makes it an escalation repeat. */
function supervise(unit: string, email: string, repeat = 0): DeliverNotificationInput {
  seq += 1;
  return {
    notificationId: `campaign/c${seq}/unit/${unit}/task/report/v1/escalation/L3/${repeat}`,
    event: 'supervise',
    facts: { ...SAMPLE_FACTS.supervise, unit: `${unit}社区` },
    recipients: [{ role: 'group', name: '王强', email }],
    channels: ['email'],
  };
}

const recipientOf = (m: { to?: unknown }) => JSON.stringify(m.to ?? '');

describe('one mail per person', () => {
  let mail: Awaited<ReturnType<typeof openLoopbackMail>>;
  let mailbox: Mailbox;
  let mailer: Mailer;
  beforeAll(async () => {
    mail = await openLoopbackMail();
    ({ mailbox, mailer } = mail);
  });
  afterAll(async () => mail?.close());
  const mailsTo = (address: string) => mailbox.messages().filter((m) => recipientOf(m).includes(address));

  it('two units’ 督办 to the same member at one instant: one mail listing both, each item logged with its id', async () => {
    const { activities, deliveryLog } = buildActivities({ mailer, settings: settings() });
    const before = mailbox.messages().length;
    const to = 'wangqiang-1@zhidao.example.cn';
    const other = 'lisi-1@zhidao.example.cn';
    const [a, b, c] = await Promise.all([
      activities.deliverNotification(supervise('东街', to)),
      activities.deliverNotification(supervise('西街', to)),
      activities.deliverNotification(supervise('南街', other)),
    ]);
    await mailbox.waitFor(before + 2);
    const mails = mailsTo(to);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('学习实践活动提醒：您有 2 项通知（督办 2 项）');
    expect(mails[0]?.text).toContain('【东街社区】');
    expect(mails[0]?.text).toContain('【西街社区】');
    expect(mails[0]?.text?.match(/王强同志：/g)).toHaveLength(1);
    // The other member's single item goes out exactly as it would alone.
    expect(mailsTo(other).map((m) => m.subject)).toEqual([
      '【第三批深入学习实践科学发展观活动】督办：南街社区“整改落实措施”逾期5天',
    ]);
    for (const r of [a, b]) {
      expect(r.results[0]?.outcome).toBe('sent');
      expect(r.results[0]?.providerMessageId).toBe(mails[0]?.messageId);
      const row = await deliveryLog.get(r.results[0]?.deliveryKey ?? '');
      expect([row?.status, row?.providerMessageId]).toEqual(['sent', mails[0]?.messageId]);
    }
    expect(c.results[0]?.outcome).toBe('sent');

    // Delivered again (a retry, a workflow re-run): nothing new.
    const again = await Promise.all(
      [a, b].map((r) =>
        activities.deliverNotification({ ...supervise('东街', to), notificationId: r.notificationId }),
      ),
    );
    expect(again.map((r) => r.results[0]?.outcome)).toEqual(['already_sent', 'already_sent']);
    await new Promise((r) => setTimeout(r, 200));
    expect(mailbox.messages().length - before).toBe(2);
  });

  it('items wait for company unclaimed: a worker killed in the window leaves nothing half-sent', async () => {
    const { activities, deliveryLog } = buildActivities({ mailer, settings: settings() });
    const input = supervise('北街', 'wangqiang-2@zhidao.example.cn');
    const pending = activities.deliverNotification(input);
    const key = `${input.notificationId}#email#group#wangqiang-2@zhidao.example.cn`;
    expect(await deliveryLog.get(key)).toBeUndefined();
    expect((await pending).results[0]?.outcome).toBe('sent');
    expect((await deliveryLog.get(key))?.status).toBe('sent');
  });

  it('a crash between the provider and the log: each item of the bundle is sent once, the unrecorded one is uncertain', async () => {
    const clock = new TestClock(OFFICE_TIME);
    const inner = openSqliteDeliveryLog(':memory:');
    const to = 'wangqiang-3@zhidao.example.cn';
    const items = [supervise('一村', to), supervise('二村', to)];
    const dying = buildActivities({
      mailer,
      settings: settings(),
      deliveryLog: dyingOnce(inner, 'markSent'),
      clock,
    });
    const before = mailbox.messages().length;
    const first = await Promise.allSettled(items.map((i) => dying.activities.deliverNotification(i)));
    expect(first.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    await mailbox.waitFor(before + 1);
    expect(mailsTo(to)).toHaveLength(1);

    // Temporal retries after the lease: the recorded item is already sent, the other is settled, not resent.
    clock.advance(121_000);
    const retry = buildActivities({ mailer, settings: settings(), deliveryLog: inner, clock });
    const second = await Promise.all(items.map((i) => retry.activities.deliverNotification(i)));
    expect(second.map((r) => r.results[0]?.outcome).sort()).toEqual(['already_sent', 'uncertain']);
    const problems = await inner.problems();
    expect(problems.map((p) => p.status)).toEqual(['uncertain']);
    expect(problems[0]?.errorReason).toContain('请与王强核实');
    await new Promise((r) => setTimeout(r, WINDOW_MS + 200));
    expect(mailsTo(to)).toHaveLength(1);
  });

  it('escalation repeats are capped per address and week; the capped ones are recorded suppressed, other items still go', async () => {
    const clock = new TestClock(OFFICE_TIME);
    const { activities, deliveryLog } = buildActivities({
      mailer,
      clock,
      settings: settings({ escalationRepeatsPerWeek: 1 }),
    });
    const to = 'wangqiang-4@zhidao.example.cn';
    const before = mailbox.messages().length;
    // First firings never count and are never capped; the first repeat uses the week's one mail.
    const r1 = await Promise.all([
      activities.deliverNotification(supervise('甲村', to, 0)),
      activities.deliverNotification(supervise('乙村', to, 1)),
    ]);
    expect(r1.map((r) => r.results[0]?.outcome)).toEqual(['sent', 'sent']);

    clock.advance(60_000);
    const r2 = await Promise.all([
      activities.deliverNotification(supervise('乙村', to, 2)),
      activities.deliverNotification(supervise('丙村', to, 0)),
    ]);
    expect(r2.map((r) => r.results[0]?.outcome)).toEqual(['suppressed', 'sent']);
    const suppressed = await deliveryLog.get(r2[0]?.results[0]?.deliveryKey ?? '');
    expect(suppressed?.status).toBe('suppressed');
    expect(suppressed?.errorCode).toBe(REPEAT_CAP_CODE);
    expect(suppressed?.errorReason).toContain('达到每周上限');
    // Suppressed is final: delivered again, it stays suppressed and sends nothing.
    const again = await activities.deliverNotification({
      ...supervise('乙村', to, 2),
      notificationId: r2[0]?.notificationId ?? '',
    });
    expect(again.results[0]?.outcome).toBe('suppressed');

    await mailbox.waitFor(before + 2);
    await new Promise((r) => setTimeout(r, 200));
    const subjects = mailsTo(to).map((m) => m.subject);
    expect(subjects).toHaveLength(2);
    expect(subjects[1]).toContain('丙村');

    // A week later the cap has room again.
    clock.advance(7 * 24 * 3600 * 1000);
    const r3 = await activities.deliverNotification(supervise('乙村', to, 3));
    expect(r3.results[0]?.outcome).toBe('sent');
  });
});
