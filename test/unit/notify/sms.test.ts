import { afterEach, describe, expect, it } from 'vitest';
import { createAliyunSms } from '../../../activities/notify/sms/aliyun.js';
import { createHttpGatewaySms } from '../../../activities/notify/sms/http-gateway.js';
import { fitSms, smsSegments } from '../../../activities/notify/sms/sms-sender.js';
import { createTencentSms } from '../../../activities/notify/sms/tencent.js';
import type { DeliverNotificationInput } from '../../../activities/notify/types.js';
import { buildActivities } from './support/notify-fixture.js';
import { startHttpReceiver, type HttpReceiver, type ReceivedRequest } from './support/http-receiver.js';
import { aliyunCheck, tencentCheck } from './support/provider-checks.js';
import { SAMPLE_FACTS } from './support/sample-facts.js';

const receivers: HttpReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

const input = (id: string, mobile = '13812345678'): DeliverNotificationInput => ({
  notificationId: `campaign/c1/unit/u7/reminder/${id}`,
  event: 'reminder',
  facts: SAMPLE_FACTS.reminder,
  recipients: [{ role: 'liaison', name: '张明', mobile }],
  channels: ['sms'],
});

describe('SMS', () => {
  it('Aliyun SendSms: signed RPC request with template code and JSON params', async () => {
    const aliyun = await startHttpReceiver((req) => {
      const p = aliyunCheck(req, 'ak-secret');
      if (!p) return { status: 400, json: { Code: 'SignatureDoesNotMatch', Message: 'bad sign' } };
      if (p.PhoneNumbers === '13900000000')
        return { json: { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' } };
      return { json: { Code: 'OK', Message: 'OK', BizId: `biz-${p.SignatureNonce}`, RequestId: 'r1' } };
    });
    receivers.push(aliyun);
    const sms = createAliyunSms({
      endpoint: `${aliyun.url}/`,
      regionId: 'cn-hangzhou',
      accessKeyId: 'ak-id',
      accessKeySecret: 'ak-secret',
      signName: '区活动办',
      maxParamChars: 35,
    });
    const { activities } = buildActivities({ sms });
    const report = await activities.deliverNotification(input('a'));
    expect(report.results[0]).toMatchObject({ outcome: 'sent' });
    const p = aliyunCheck(aliyun.requests()[0] as ReceivedRequest, 'ak-secret');
    expect(p).toMatchObject({
      Action: 'SendSms',
      Version: '2017-05-25',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      AccessKeyId: 'ak-id',
      PhoneNumbers: '13812345678',
      SignName: '区活动办',
      TemplateCode: 'SMS_CAMPAIGN_REMINDER',
    });
    expect(p?.Timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(p?.SignatureNonce).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(p?.TemplateParam ?? '')).toEqual({
      unit: '城关镇东街社区',
      task: '分析检查报告',
      deadline: '2009年12月10日',
      days: '3',
    });
    expect(report.results[0]?.providerMessageId).toBe(`biz-${p?.SignatureNonce}`);

    const bad = await activities.deliverNotification(input('b', '13900000000'));
    expect(bad.results[0]).toMatchObject({
      outcome: 'failed',
      errorCode: 'aliyun_isv.MOBILE_NUMBER_ILLEGAL',
    });
    const invalid = await activities.deliverNotification(input('c', '1234'));
    expect(invalid.results[0]).toMatchObject({ outcome: 'failed', errorCode: 'invalid_address' });
    expect(aliyun.requests()).toHaveLength(2);
  });

  it('Tencent SendSms: TC3-HMAC-SHA256 signed JSON with template id and ordered params', async () => {
    const tencent = await startHttpReceiver((req) => {
      if (!tencentCheck(req, 'AKIDtest', 'tc-secret'))
        return {
          json: {
            Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad' }, RequestId: 'r' },
          },
        };
      return {
        json: {
          Response: {
            SendStatusSet: [
              { SerialNo: 'serial-1', PhoneNumber: '+8613812345678', Code: 'Ok', Message: 'send success' },
            ],
            RequestId: 'r',
          },
        },
      };
    });
    receivers.push(tencent);
    const sms = createTencentSms({
      endpoint: `${tencent.url}/`,
      region: 'ap-guangzhou',
      secretId: 'AKIDtest',
      secretKey: 'tc-secret',
      sdkAppId: '1400000001',
      signName: '区活动办',
      maxParamChars: 12,
    });
    const { activities } = buildActivities({ sms });
    const report = await activities.deliverNotification(input('d'));
    expect(report.results[0]).toMatchObject({ outcome: 'sent', providerMessageId: 'serial-1' });
    const req = tencent.requests()[0] as ReceivedRequest;
    expect(req.headers['x-tc-action']).toBe('SendSms');
    expect(req.headers['x-tc-version']).toBe('2021-01-11');
    expect(req.headers['x-tc-region']).toBe('ap-guangzhou');
    expect(JSON.parse(req.body)).toMatchObject({
      PhoneNumberSet: ['+8613812345678'],
      SmsSdkAppId: '1400000001',
      SignName: '区活动办',
      TemplateId: '2000003',
      TemplateParamSet: ['城关镇东街社区', '分析检查报告', '2009年12月10日', '3'],
    });

    const wrongKey = createTencentSms({
      endpoint: `${tencent.url}/`,
      region: 'ap-guangzhou',
      secretId: 'AKIDtest',
      secretKey: 'other',
      sdkAppId: '1',
      signName: 'x',
      maxParamChars: 12,
    });
    const rejected = await buildActivities({ sms: wrongKey }).activities.deliverNotification(input('e'));
    expect(rejected.results[0]).toMatchObject({
      outcome: 'failed',
      errorCode: 'tencent_AuthFailure.SignatureFailure',
    });
  });

  it('generic gateway: full text within the segment cap, 5xx retried', async () => {
    let fail = true;
    const gateway = await startHttpReceiver(() =>
      fail ? ((fail = false), { status: 503, json: { ok: false } }) : { json: { ok: true, id: 'g-1' } },
    );
    receivers.push(gateway);
    const sms = createHttpGatewaySms({ url: `${gateway.url}/send`, token: 'tkn', maxSegments: 3 });
    const { activities } = buildActivities({ sms });
    await expect(activities.deliverNotification(input('f'))).rejects.toThrow(/will be retried/);
    const report = await activities.deliverNotification(input('f'));
    expect(report.results[0]).toMatchObject({ outcome: 'sent', providerMessageId: 'g-1' });
    const req = gateway.requests()[1] as ReceivedRequest;
    expect(req.headers.authorization).toBe('Bearer tkn');
    const body = JSON.parse(req.body) as { mobile: string; content: string; outId: string };
    expect(body.mobile).toBe('13812345678');
    expect(body.content).toBe(
      '【区学习实践活动办公室】提醒：城关镇东街社区“分析检查报告”将于2009年12月10日到期，距截止还有3天，请按时完成。',
    );
    expect(req.headers['idempotency-key']).toBe(body.outId);
  });

  it('counts segments as carriers do and cuts long texts to the cap', () => {
    expect(smsSegments('字'.repeat(70))).toBe(1);
    expect(smsSegments('字'.repeat(71))).toBe(2);
    expect(smsSegments('字'.repeat(134))).toBe(2);
    expect(smsSegments('字'.repeat(135))).toBe(3);
    const cut = fitSms('字'.repeat(500), 3);
    expect([...cut]).toHaveLength(201);
    expect(cut.endsWith('…')).toBe(true);
    expect(smsSegments(cut)).toBe(3);
  });
});

describe('quiet hours', () => {
  it('an SMS due at 22:00 is deferred to the next working morning and sent then', async () => {
    const gateway = await startHttpReceiver(() => ({ json: { ok: true, id: 'g' } }));
    receivers.push(gateway);
    const sms = createHttpGatewaySms({ url: `${gateway.url}/send`, maxSegments: 3 });
    const { activities, clock } = buildActivities({ sms });
    clock.current = new Date('2009-12-11T14:00:00Z'); // Friday 22:00 in Beijing
    const report = await activities.deliverNotification({
      ...input('q'),
      channels: ['sms', 'email'],
      recipients: [{ role: 'liaison', name: '张明', mobile: '13812345678' }],
    });
    expect(report.results.find((r) => r.channel === 'sms')).toMatchObject({
      outcome: 'deferred',
      deferUntil: '2009-12-14T00:30:00.000Z',
    });
    expect(report.deferUntil).toBe('2009-12-14T00:30:00.000Z'); // Monday 08:30
    expect(gateway.requests()).toHaveLength(0);

    clock.current = new Date(report.deferUntil ?? '');
    const later = await activities.deliverNotification(input('q'));
    expect(later.results[0]?.outcome).toBe('sent');
    expect(gateway.requests()).toHaveLength(1);
  });

  it('urgent notifications may ignore quiet hours when the plan says so', async () => {
    const gateway = await startHttpReceiver(() => ({ json: { ok: true, id: 'g' } }));
    receivers.push(gateway);
    const { activities, clock } = buildActivities({
      sms: createHttpGatewaySms({ url: `${gateway.url}/send`, maxSegments: 3 }),
    });
    clock.current = new Date('2009-12-11T14:00:00Z');
    expect(
      (await activities.deliverNotification({ ...input('u'), ignoreQuietHours: true })).results[0]?.outcome,
    ).toBe('sent');
  });
});
