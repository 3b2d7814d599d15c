import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryKeyFor } from '../../../activities/notify/activities.js';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { messageIdFor, type Mailer } from '../../../activities/notify/mailer.js';
import type { DeliverNotificationInput } from '../../../activities/notify/types.js';
import { startMailbox, type Mailbox, loopbackMailer } from '../../support/mailbox.js';
import { dyingOnce } from './support/dying-log.js';
import { buildActivities } from './support/notify-fixture.js';
import { startRejectingSmtp } from './support/rejecting-smtp.js';
import { SAMPLE_FACTS } from './support/sample-facts.js';

const smtp = (port: number): Mailer => loopbackMailer(port);

function reminder(id: string, email = 'zhangming@dongjie.example.cn'): DeliverNotificationInput {
  return {
    notificationId: `campaign/c1/unit/u7/task/report/reminder/T-3/${id}`,
    event: 'reminder',
    facts: SAMPLE_FACTS.reminder,
    recipients: [{ role: 'liaison', name: '张明', email }],
    channels: ['email'],
  };
}

describe('email channel', () => {
  let mailbox: Mailbox;
  let mailer: Mailer;
  beforeAll(async () => {
    mailbox = await startMailbox();
    mailer = smtp(mailbox.port);
  });
  afterAll(async () => {
    mailer.close();
    await mailbox.close();
  });

  it('sends a Chinese HTML + text mail with a stable Message-ID and the office as reply-to', async () => {
    const before = mailbox.messages().length;
    const { activities } = buildActivities({ mailer });
    const report = await activities.deliverNotification(reminder('a'));
    expect(report.results).toHaveLength(1);
    expect(report.results[0]?.outcome).toBe('sent');
    const [mail] = (await mailbox.waitFor(before + 1)).slice(before);
    expect(mail?.subject).toBe(
      '【第三批深入学习实践科学发展观活动】提醒：分析检查报告将于2009年12月10日到期',
    );
    expect(mail?.from?.value[0]).toEqual({
      name: '区学习实践活动办公室',
      address: 'office@xuexi.example.gov.cn',
    });
    expect(mail?.replyTo?.value[0]).toEqual({ name: '活动办', address: 'reply@xuexi.example.gov.cn' });
    const to = mail?.to && !Array.isArray(mail.to) ? mail.to.value[0] : undefined;
    expect(to).toEqual({ name: '张明', address: 'zhangming@dongjie.example.cn' });
    expect(mail?.text).toContain('距截止还有3天');
    expect(mail?.html).toContain('<p>张明同志：</p>');
    const key = report.results[0]?.deliveryKey ?? '';
    expect(mail?.messageId).toBe(messageIdFor(key, 'xuexi.example.gov.cn'));
    expect(report.results[0]?.providerMessageId).toBe(mail?.messageId);
  });

  it('does not send again when the same notification is delivered again', async () => {
    const before = mailbox.messages().length;
    const { activities } = buildActivities({ mailer });
    await activities.deliverNotification(reminder('b'));
    const again = await activities.deliverNotification(reminder('b'));
    expect(again.results[0]?.outcome).toBe('already_sent');
    await new Promise((r) => setTimeout(r, 200));
    expect(mailbox.messages().length - before).toBe(1);
  });

  it('after a crash between accept and record: no parallel resend inside the lease, then no resend at all; the office is told', async () => {
    const before = mailbox.messages().length;
    const inner = openSqliteDeliveryLog(':memory:');
    const { activities, clock } = buildActivities({ mailer, deliveryLog: dyingOnce(inner, 'markSent') });
    await expect(activities.deliverNotification(reminder('c'))).rejects.toThrow(/simulated crash/);
    await mailbox.waitFor(before + 1);

    // Temporal retries at once: the claim is still fresh, so nothing is sent and the retry is transient.
    await expect(activities.deliverNotification(reminder('c'))).rejects.toThrow(/another attempt is sending/);
    expect(mailbox.messages().length - before).toBe(1);

    // After the lease the claim is presumed dead. SMTP cannot be asked whether it got the message,
    // so the delivery is recorded uncertain rather than sent a second time.
    clock.advance(121_000);
    const report = await activities.deliverNotification(reminder('c'));
    expect(report.results[0]).toMatchObject({ outcome: 'uncertain', errorCode: 'uncertain_after_crash' });
    expect(report.results[0]?.reason).toBe(
      '邮件发送过程中工作进程中断，无法确认对方是否已收到；为避免重复发送，系统没有自动重发。请与张明核实，未收到的请人工补发。',
    );
    const key = report.results[0]?.deliveryKey ?? '';
    expect((await inner.attempts(key)).map((a) => a.outcome)).toEqual(['claimed', 'took_over', 'uncertain']);
    expect(
      (await inner.problems({ notificationIdPrefix: 'campaign/c1/' })).map((p) => [p.deliveryKey, p.status]),
    ).toContainEqual([key, 'uncertain']);

    // Settled: further retries report the same and send nothing.
    expect((await activities.deliverNotification(reminder('c'))).results[0]?.outcome).toBe('uncertain');
    await new Promise((r) => setTimeout(r, 200));
    expect(mailbox.messages().length - before).toBe(1);
  });

  it('after a crash between claim and send, the retry cannot tell it from a crash after sending: uncertain, listed, not guessed', async () => {
    const before = mailbox.messages().length;
    const log = openSqliteDeliveryLog(':memory:');
    let dead = true;
    const dying: Mailer = {
      send: (m) => (dead ? ((dead = false), Promise.reject(new Error('worker died'))) : mailer.send(m)),
      close: () => undefined,
    };
    // First attempt: claim committed, then the process dies before talking to SMTP (no outcome recorded).
    const first = buildActivities({
      mailer: dying,
      deliveryLog: { ...log, markRetrying: () => Promise.reject(new Error('dead')) },
    });
    await expect(first.activities.deliverNotification(reminder('d'))).rejects.toThrow(/dead/);
    const second = buildActivities({ mailer, deliveryLog: log });
    second.clock.advance(121_000);
    expect((await second.activities.deliverNotification(reminder('d'))).results[0]?.outcome).toBe(
      'uncertain',
    );
    expect((await second.activities.deliverNotification(reminder('d'))).results[0]?.outcome).toBe(
      'uncertain',
    );
    expect((await log.problems()).map((p) => p.status)).toEqual(['uncertain']);
    await new Promise((r) => setTimeout(r, 200));
    expect(mailbox.messages().length - before).toBe(0);
  });

  it('records a malformed address as a permanent failure and reports it to the office', async () => {
    const before = mailbox.messages().length;
    const { activities, deliveryLog } = buildActivities({ mailer });
    const report = await activities.deliverNotification(reminder('e', 'zhangming＠dongjie'));
    expect(report.results[0]).toMatchObject({ outcome: 'failed', errorCode: 'invalid_address' });
    expect(report.results[0]?.reason).toContain('邮箱地址格式不正确');
    expect(
      (await activities.deliverNotification(reminder('e', 'zhangming＠dongjie'))).results[0]?.outcome,
    ).toBe('failed');
    const failures = await deliveryLog.problems({ notificationIdPrefix: 'campaign/c1/' });
    expect(failures.map((f) => f.address)).toContain('zhangming＠dongjie');
    expect(mailbox.messages().length).toBe(before);
  });

  it('treats a 550 from the server as permanent: recorded once, not retried', async () => {
    const server = await startRejectingSmtp((a) => a.startsWith('nobody@'));
    const rejecting = smtp(server.port);
    try {
      const { activities, deliveryLog } = buildActivities({ mailer: rejecting });
      const input: DeliverNotificationInput = {
        ...reminder('f'),
        recipients: [
          { role: 'liaison', name: '张明', email: 'nobody@dongjie.example.cn' },
          { role: 'head', name: '李华', email: 'lihua@dongjie.example.cn' },
        ],
      };
      const report = await activities.deliverNotification(input);
      const byRole = Object.fromEntries(report.results.map((r) => [r.role, r]));
      expect(byRole.liaison).toMatchObject({ outcome: 'failed', errorCode: 'smtp_550' });
      expect(byRole.liaison?.reason).toContain('邮件服务器拒收（550）');
      expect(byRole.head?.outcome).toBe('sent');
      const again = await activities.deliverNotification(input);
      expect(again.results.map((r) => r.outcome).sort()).toEqual(['already_sent', 'failed']);
      expect(server.accepted()).toBe(1);
      const record = await deliveryLog.get(byRole.liaison?.deliveryKey ?? '');
      expect(record).toMatchObject({ status: 'failed', attempts: 1 });
    } finally {
      rejecting.close();
      await server.close();
    }
  });

  it('retries (plain error) when the server is unreachable, and records the attempt', async () => {
    const down = smtp(1); // nothing listens on port 1
    try {
      const { activities, deliveryLog } = buildActivities({ mailer: down });
      const error = await activities.deliverNotification(reminder('g')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(ApplicationFailure);
      expect(await deliveryLog.problems()).toHaveLength(0);
      const key = deliveryKeyFor(
        reminder('g').notificationId,
        'email',
        'liaison',
        'zhangming@dongjie.example.cn',
      );
      expect(await deliveryLog.get(key)).toMatchObject({
        status: 'retrying',
        attempts: 1,
        errorCode: 'smtp_ESOCKET',
      });
    } finally {
      down.close();
    }
  });

  it('fails non-retryably, before sending anything, when facts are missing', async () => {
    const { activities } = buildActivities({ mailer });
    const error = await activities
      .deliverNotification({ ...reminder('h'), facts: { campaign: 'x' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).nonRetryable).toBe(true);
    expect((error as ApplicationFailure).type).toBe('NotificationTemplateError');
    expect((error as Error).message).toContain('「task」');
  });
});
