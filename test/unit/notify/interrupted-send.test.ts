/**
 * "A retried activity after a simulated crash between send and record sends once" (issue 5), per
 * channel. The crash is simulated by a delivery log whose outcome commit dies once, exactly where a
 * killed worker would stop: after the provider accepted, before 'sent' is recorded. The retry runs
 * on a clock moved past the claim lease, as a retry on another worker would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { createDigestDispatcher } from '../../../activities/notify/robots/digest-dispatcher.js';
import { createRobotClient } from '../../../activities/notify/robots/robot-client.js';
import { createAliyunSms } from '../../../activities/notify/sms/aliyun.js';
import { createHttpGatewaySms } from '../../../activities/notify/sms/http-gateway.js';
import { smsOutId } from '../../../activities/notify/sms/sms-sender.js';
import { createTencentSms } from '../../../activities/notify/sms/tencent.js';
import type { DeliverNotificationInput } from '../../../activities/notify/types.js';
import { startAliyunStandIn } from './support/aliyun-stand-in.js';
import { startHttpReceiver, type HttpReceiver } from './support/http-receiver.js';
import { dyingOnce } from './support/dying-log.js';
import { buildActivities, OFFICE_TIME, TestClock } from './support/notify-fixture.js';
import { aliyunCheck, tencentCheck } from './support/provider-checks.js';
import { SAMPLE_FACTS } from './support/sample-facts.js';

const LEASE_PASSED = 121_000;
const MOBILE = '13812345678';

const receivers: HttpReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

const smsInput = (id: string): DeliverNotificationInput => ({
  notificationId: `campaign/c1/unit/u7/task/report/reminder/T-1/${id}`,
  event: 'reminder',
  facts: SAMPLE_FACTS.reminder,
  recipients: [{ role: 'liaison', name: '张明', mobile: MOBILE }],
  channels: ['sms'],
});

/** The shared stand-in, closed after each test. */
async function aliyunStandIn(opts: { otherMessagesToday?: number; now: () => Date }) {
  const standIn = await startAliyunStandIn({ secret: 'ak-secret', seedPhone: MOBILE, ...opts });
  receivers.push(standIn.receiver);
  return standIn;
}

describe('a send interrupted between the provider and the delivery log goes out once', () => {
  it('Aliyun: the retry finds the message by its OutId in QuerySendDetails and records it sent, without resending', async () => {
    const log = openSqliteDeliveryLog(':memory:');
    const clock = new TestClock(OFFICE_TIME);
    // 120 other messages to this number today: the retry must page through to find ours.
    const aliyun = await aliyunStandIn({ otherMessagesToday: 120, now: clock.now });
    const sms = createAliyunSms({
      endpoint: `${aliyun.receiver.url}/`,
      regionId: 'cn-hangzhou',
      accessKeyId: 'ak-id',
      accessKeySecret: 'ak-secret',
      signName: '区活动办',
      maxParamChars: 35,
      now: clock.now,
    });
    const a = buildActivities({ sms, clock, deliveryLog: dyingOnce(log, 'markSent') });
    await expect(a.activities.deliverNotification(smsInput('a'))).rejects.toThrow(/simulated crash/);
    expect(aliyun.sends()).toHaveLength(1);

    // A retry inside the lease: the dead attempt might still be alive, so nothing is sent.
    await expect(a.activities.deliverNotification(smsInput('a'))).rejects.toThrow(
      /another attempt is sending/,
    );

    a.clock.advance(LEASE_PASSED);
    const report = await a.activities.deliverNotification(smsInput('a'));
    expect(report.results[0]).toMatchObject({ outcome: 'already_sent' });
    expect(aliyun.sends()).toHaveLength(1);
    const queries = aliyun.receiver
      .requests()
      .map((r) => aliyunCheck(r, 'ak-secret'))
      .filter((p) => p?.Action === 'QuerySendDetails');
    expect(queries.map((q) => [q?.PhoneNumber, q?.SendDate, q?.CurrentPage])).toEqual([
      [MOBILE, '20091209', '1'],
      [MOBILE, '20091209', '2'],
      [MOBILE, '20091209', '3'],
    ]);
    const key = report.results[0]?.deliveryKey ?? '';
    expect(aliyun.stored.at(-1)?.outId).toBe(smsOutId(key));
    expect(await log.get(key)).toMatchObject({ status: 'sent' });
    expect((await log.attempts(key)).map((x) => x.outcome)).toEqual(['claimed', 'took_over', 'sent']);
    // Settled: later retries send nothing and ask nothing.
    const requestsBefore = aliyun.receiver.requests().length;
    expect((await a.activities.deliverNotification(smsInput('a'))).results[0]?.outcome).toBe('already_sent');
    expect(aliyun.receiver.requests()).toHaveLength(requestsBefore);
  });

  it('Aliyun: when the dead attempt never reached the provider, the retry sends it, once', async () => {
    const log = openSqliteDeliveryLog(':memory:');
    const clock = new TestClock(OFFICE_TIME);
    const aliyun = await aliyunStandIn({ now: clock.now });
    let reachable = false;
    const sms = createAliyunSms({
      endpoint: `${aliyun.receiver.url}/`,
      regionId: 'cn-hangzhou',
      accessKeyId: 'ak-id',
      accessKeySecret: 'ak-secret',
      signName: '区活动办',
      maxParamChars: 35,
      now: clock.now,
      // The first attempt's request never leaves the machine; then it dies recording that.
      fetch: (url, init) =>
        reachable ? fetch(url, init) : ((reachable = true), Promise.reject(new Error('connect ECONNRESET'))),
    });
    const a = buildActivities({ sms, clock, deliveryLog: dyingOnce(log, 'markRetrying') });
    await expect(a.activities.deliverNotification(smsInput('b'))).rejects.toThrow(/simulated crash/);
    expect(aliyun.sends()).toHaveLength(0);
    a.clock.advance(LEASE_PASSED);
    expect((await a.activities.deliverNotification(smsInput('b'))).results[0]?.outcome).toBe('sent');
    expect((await a.activities.deliverNotification(smsInput('b'))).results[0]?.outcome).toBe('already_sent');
    expect(aliyun.sends()).toHaveLength(1);
  });

  it('Tencent: a delivery receipt carrying our SessionContext settles it as sent; no receipt yet means uncertain, never a resend', async () => {
    const receipts: { SessionContext: string; SerialNo: string; PhoneNumber: string }[] = [];
    const pulls: Record<string, unknown>[] = [];
    const tencent = await startHttpReceiver((req) => {
      if (!tencentCheck(req, 'AKIDtest', 'tc-secret'))
        return {
          json: {
            Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad' }, RequestId: 'r' },
          },
        };
      const body = JSON.parse(req.body) as Record<string, unknown>;
      if (req.headers['x-tc-action'] === 'PullSmsSendStatusByPhoneNumber') {
        pulls.push(body);
        return {
          json: {
            Response: {
              PullSmsSendStatusSet: receipts.filter((r) => r.PhoneNumber === body.PhoneNumber),
              RequestId: 'r',
            },
          },
        };
      }
      return {
        json: {
          Response: {
            SendStatusSet: [
              {
                SerialNo: `serial-${req.body.length}`,
                PhoneNumber: `+86${MOBILE}`,
                Code: 'Ok',
                Message: 'send success',
              },
            ],
            RequestId: 'r',
          },
        },
      };
    });
    receivers.push(tencent);
    const log = openSqliteDeliveryLog(':memory:');
    const clock = new TestClock(OFFICE_TIME);
    const sms = createTencentSms({
      endpoint: `${tencent.url}/`,
      region: 'ap-guangzhou',
      secretId: 'AKIDtest',
      secretKey: 'tc-secret',
      sdkAppId: '1400000001',
      signName: '区活动办',
      maxParamChars: 12,
      now: clock.now,
    });
    const a = buildActivities({ sms, clock, deliveryLog: dyingOnce(log, 'markSent') });
    const sendsOf = () => tencent.requests().filter((r) => r.headers['x-tc-action'] === 'SendSms');

    // Receipt already in: settled as sent.
    await expect(a.activities.deliverNotification(smsInput('c'))).rejects.toThrow(/simulated crash/);
    const sent = JSON.parse(sendsOf()[0]?.body ?? '{}') as { SessionContext: string };
    receipts.push({
      SessionContext: sent.SessionContext,
      SerialNo: 'serial-receipt',
      PhoneNumber: `+86${MOBILE}`,
    });
    a.clock.advance(LEASE_PASSED);
    expect((await a.activities.deliverNotification(smsInput('c'))).results[0]).toMatchObject({
      outcome: 'already_sent',
      providerMessageId: 'serial-receipt',
    });
    expect(sendsOf()).toHaveLength(1);
    const pull = pulls[0] as {
      BeginTime: number;
      EndTime: number;
      PhoneNumber: string;
      SmsSdkAppId: string;
      Limit: number;
      Offset: number;
    };
    expect(pull).toMatchObject({
      PhoneNumber: `+86${MOBILE}`,
      SmsSdkAppId: '1400000001',
      Limit: 100,
      Offset: 0,
    });
    expect(pull.BeginTime).toBeLessThanOrEqual(Math.floor(a.clock.now().getTime() / 1000) - 121);
    expect(pull.EndTime).toBe(Math.floor(a.clock.now().getTime() / 1000));

    // No receipt for the second one: nobody can tell, so it is not resent but listed for the office.
    const b = buildActivities({ sms, clock, deliveryLog: dyingOnce(log, 'markSent') });
    await expect(b.activities.deliverNotification(smsInput('d'))).rejects.toThrow(/simulated crash/);
    b.clock.advance(LEASE_PASSED);
    const report = await b.activities.deliverNotification(smsInput('d'));
    expect(report.results[0]).toMatchObject({ outcome: 'uncertain', errorCode: 'uncertain_after_crash' });
    expect(report.results[0]?.reason).toContain('腾讯云尚无该短信的回执');
    expect(report.results[0]?.reason).toContain('请与张明核实');
    expect((await b.activities.deliverNotification(smsInput('d'))).results[0]?.outcome).toBe('uncertain');
    expect(sendsOf()).toHaveLength(2);
    expect((await log.problems()).map((p) => [p.status, p.deliveryKey])).toEqual([
      ['uncertain', report.results[0]?.deliveryKey],
    ]);
  });

  it('a gateway that drops repeated Idempotency-Keys gets the message again; one that does not is left alone', async () => {
    const delivered = new Set<string>();
    const gateway = await startHttpReceiver((req) => {
      delivered.add(String(req.headers['idempotency-key']));
      return { json: { ok: true, id: `g-${delivered.size}` } };
    });
    receivers.push(gateway);
    const log = openSqliteDeliveryLog(':memory:');
    const dedup = buildActivities({
      sms: createHttpGatewaySms({ url: `${gateway.url}/send`, maxSegments: 3, deduplicates: true }),
      deliveryLog: dyingOnce(log, 'markSent'),
    });
    await expect(dedup.activities.deliverNotification(smsInput('e'))).rejects.toThrow(/simulated crash/);
    dedup.clock.advance(LEASE_PASSED);
    expect((await dedup.activities.deliverNotification(smsInput('e'))).results[0]?.outcome).toBe('sent');
    expect(gateway.requests()).toHaveLength(2);
    expect(delivered.size).toBe(1); // the same key twice: the gateway delivers one SMS

    const plain = buildActivities({
      sms: createHttpGatewaySms({ url: `${gateway.url}/send`, maxSegments: 3 }),
      deliveryLog: dyingOnce(log, 'markSent'),
    });
    await expect(plain.activities.deliverNotification(smsInput('f'))).rejects.toThrow(/simulated crash/);
    plain.clock.advance(LEASE_PASSED);
    expect((await plain.activities.deliverNotification(smsInput('f'))).results[0]?.outcome).toBe('uncertain');
    expect(gateway.requests()).toHaveLength(3);
  });

  it('DingTalk robot: no way to ask, so the retry records uncertain and the group sees the message once', async () => {
    const dingtalk = await startHttpReceiver(() => ({ json: { errcode: 0, errmsg: 'ok' } }));
    receivers.push(dingtalk);
    const robots = createDigestDispatcher({
      client: createRobotClient({ dingtalkSecrets: {} }),
      limit: 20,
      windowMs: 60_000,
      lingerMs: 0,
      maxBytes: 4000,
    });
    const log = openSqliteDeliveryLog(':memory:');
    const { activities, clock } = buildActivities({ robots, deliveryLog: dyingOnce(log, 'markSent') });
    const urge: DeliverNotificationInput = {
      notificationId: 'campaign/c1/unit/u7/urge/g',
      event: 'urge',
      facts: SAMPLE_FACTS.urge,
      recipients: [
        {
          role: 'group',
          name: '第二指导检查组',
          dingtalkWebhook: `${dingtalk.url}/robot/send?access_token=tok`,
        },
      ],
      channels: ['dingtalk'],
    };
    try {
      await expect(activities.deliverNotification(urge)).rejects.toThrow(/simulated crash/);
      clock.advance(LEASE_PASSED);
      const report = await activities.deliverNotification(urge);
      expect(report.results[0]).toMatchObject({ outcome: 'uncertain', errorCode: 'uncertain_after_crash' });
      expect(report.results[0]?.reason).toContain('钉钉群消息发送过程中工作进程中断');
      expect(dingtalk.requests()).toHaveLength(1);
      const [problem] = await log.problems({ notificationIdPrefix: 'campaign/c1/' });
      expect(problem).toMatchObject({
        status: 'uncertain',
        channel: 'dingtalk',
        recipientName: '第二指导检查组',
        event: 'urge',
      });
    } finally {
      robots.close();
    }
  });

  it('an attempt that outlived its lease and then heard back settles the uncertain delivery as sent', async () => {
    const log = openSqliteDeliveryLog(':memory:');
    let release: () => void = () => undefined;
    const slowGateway = await startHttpReceiver(() => ({ json: { ok: true, id: 'slow-1' } }));
    receivers.push(slowGateway);
    const slowSms = createHttpGatewaySms({
      url: `${slowGateway.url}/send`,
      maxSegments: 3,
      // The provider answers only after another attempt has declared this one dead.
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        await new Promise<void>((r) => (release = r));
        return res;
      },
    });
    const slow = buildActivities({ sms: slowSms, deliveryLog: log });
    const pending = slow.activities.deliverNotification(smsInput('h'));
    await new Promise((r) => setTimeout(r, 100));
    const heir = buildActivities({
      sms: createHttpGatewaySms({ url: `${slowGateway.url}/send`, maxSegments: 3 }),
      deliveryLog: log,
    });
    heir.clock.advance(LEASE_PASSED);
    expect((await heir.activities.deliverNotification(smsInput('h'))).results[0]?.outcome).toBe('uncertain');
    release();
    expect((await pending).results[0]).toMatchObject({ outcome: 'sent', providerMessageId: 'slow-1' });
    const key = (await pending).results[0]?.deliveryKey ?? '';
    expect(await log.get(key)).toMatchObject({ status: 'sent', providerMessageId: 'slow-1' });
    expect(await log.problems()).toEqual([]);
    expect(slowGateway.requests()).toHaveLength(1);
  });
});
