import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createDigestDispatcher } from '../../../activities/notify/robots/digest-dispatcher.js';
import { createRobotClient } from '../../../activities/notify/robots/robot-client.js';
import { buildActivities } from './support/notify-fixture.js';
import { startHttpReceiver, type HttpReceiver, type ReceivedRequest } from './support/http-receiver.js';
import { SAMPLE_FACTS } from './support/sample-facts.js';

const SECRET = 'SEC0123456789abcdef';

/** DingTalk's check, written from its documentation rather than from the code under test. */
function dingtalkSignatureValid(req: ReceivedRequest, now: number): boolean {
  const url = new URL(req.url, 'http://x');
  const timestamp = url.searchParams.get('timestamp') ?? '';
  const sign = url.searchParams.get('sign') ?? ''; // URLSearchParams decodes the url-encoding
  const expected = createHmac('sha256', SECRET).update(`${timestamp}\n${SECRET}`).digest('base64');
  return sign === expected && Math.abs(now - Number(timestamp)) < 3_600_000;
}

const receivers: HttpReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

describe('group robots', () => {
  it('DingTalk: signed markdown to the webhook; a bad signature is a permanent failure', async () => {
    const dingtalk = await startHttpReceiver((req) =>
      dingtalkSignatureValid(req, Date.now())
        ? { json: { errcode: 0, errmsg: 'ok' } }
        : { json: { errcode: 310000, errmsg: 'sign not match' } },
    );
    receivers.push(dingtalk);
    const robots = createDigestDispatcher({
      client: createRobotClient({ dingtalkSecrets: { tok1: SECRET, tok2: 'SECwrong' } }),
      limit: 20,
      windowMs: 60_000,
      lingerMs: 0,
      maxBytes: 4000,
    });
    const { activities } = buildActivities({ robots });
    const send = (token: string) =>
      activities.deliverNotification({
        notificationId: `campaign/c1/unit/u7/urge/${token}`,
        event: 'urge',
        facts: SAMPLE_FACTS.urge,
        recipients: [
          {
            role: 'group',
            name: '第二指导检查组',
            dingtalkWebhook: `${dingtalk.url}/robot/send?access_token=${token}`,
          },
        ],
        channels: ['dingtalk'],
      });
    expect((await send('tok1')).results[0]?.outcome).toBe('sent');
    const req = dingtalk.requests()[0] as ReceivedRequest;
    expect(new URL(req.url, 'http://x').pathname).toBe('/robot/send');
    expect(new URL(req.url, 'http://x').searchParams.get('access_token')).toBe('tok1');
    const body = JSON.parse(req.body) as { msgtype: string; markdown: { title: string; text: string } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toBe('催办：整改落实措施');
    expect(body.markdown.text).toContain('已逾期 **2** 天');

    const rejected = await send('tok2');
    expect(rejected.results[0]).toMatchObject({ outcome: 'failed', errorCode: 'dingtalk_310000' });
    expect(rejected.results[0]?.reason).toContain('钉钉机器人拒收');
    robots.close();
  });

  it('WeCom: markdown content to the key webhook', async () => {
    const wecom = await startHttpReceiver(() => ({ json: { errcode: 0, errmsg: 'ok' } }));
    receivers.push(wecom);
    const robots = createDigestDispatcher({
      client: createRobotClient({ dingtalkSecrets: {} }),
      limit: 20,
      windowMs: 60_000,
      lingerMs: 0,
      maxBytes: 4000,
    });
    const { activities } = buildActivities({ robots });
    const report = await activities.deliverNotification({
      notificationId: 'campaign/c1/unit/u7/approved/plan',
      event: 'approved',
      facts: SAMPLE_FACTS.approved,
      recipients: [
        { role: 'unit', name: '东街社区', wecomWebhook: `${wecom.url}/cgi-bin/webhook/send?key=k-123` },
      ],
      channels: ['wecom'],
    });
    expect(report.results[0]?.outcome).toBe('sent');
    const req = wecom.requests()[0] as ReceivedRequest;
    expect(req.url).toBe('/cgi-bin/webhook/send?key=k-123');
    expect(JSON.parse(req.body)).toEqual({
      msgtype: 'markdown',
      markdown: { content: '### 审核通过\n**城关镇东街社区**“实施方案”已经第二指导检查组审查通过。' },
    });
    robots.close();
  });

  it('25 messages inside one window reach the robot as at most 20 requests, none lost, none twice', async () => {
    const windowMs = 1_500; // the 60 s window, scaled down so the test runs in seconds
    const wecom = await startHttpReceiver(() => ({ json: { errcode: 0, errmsg: 'ok' } }));
    receivers.push(wecom);
    const robots = createDigestDispatcher({
      client: createRobotClient({ dingtalkSecrets: {} }),
      limit: 20,
      windowMs,
      lingerMs: 10,
      maxBytes: 4000,
    });
    const { activities } = buildActivities({ robots });
    const webhook = `${wecom.url}/cgi-bin/webhook/send?key=busy`;
    const calls: Promise<unknown>[] = [];
    for (let i = 1; i <= 25; i++) {
      calls.push(
        activities.deliverNotification({
          notificationId: `campaign/c1/unit/u${i}/due`,
          event: 'due_today',
          facts: { ...SAMPLE_FACTS.due_today, unit: `第${i}号单位` },
          recipients: [{ role: 'group', name: '指导组', wecomWebhook: webhook }],
          channels: ['wecom'],
        }),
      );
      await new Promise((r) => setTimeout(r, 30)); // spread over ~750 ms, half the window
    }
    await Promise.all(calls);
    const requests = wecom.requests();
    const t0 = requests[0]?.at ?? 0;
    expect(requests.filter((r) => r.at - t0 < windowMs).length).toBeLessThanOrEqual(20);
    for (const r of requests)
      expect(requests.filter((q) => q.at >= r.at && q.at - r.at < windowMs).length).toBeLessThanOrEqual(20);
    const content = requests
      .map((r) => (JSON.parse(r.body) as { markdown: { content: string } }).markdown.content)
      .join('\n');
    for (let i = 1; i <= 25; i++) expect(content.split(`**第${i}号单位**`).length - 1).toBe(1);
    expect(content).toMatch(/通知汇总（\d+ 条）/);
    robots.close();
  });

  it('a burst is one digest request; a throttling reply blocks the robot for a window', async () => {
    let throttle = true;
    const dingtalk = await startHttpReceiver(() =>
      throttle
        ? ((throttle = false), { json: { errcode: 130101, errmsg: 'send too fast' } })
        : { json: { errcode: 0, errmsg: 'ok' } },
    );
    receivers.push(dingtalk);
    const robots = createDigestDispatcher({
      client: createRobotClient({ dingtalkSecrets: {} }),
      limit: 20,
      windowMs: 400,
      lingerMs: 50,
      maxBytes: 4000,
    });
    const target = { kind: 'dingtalk' as const, webhook: `${dingtalk.url}/robot/send?access_token=t` };
    const first = await Promise.allSettled(
      [1, 2, 3].map((i) => robots.deliver(target, { title: `t${i}`, markdown: `m${i}` })),
    );
    expect(first.every((r) => r.status === 'rejected')).toBe(true);
    expect(dingtalk.requests()).toHaveLength(1);
    await robots.deliver(target, { title: 't4', markdown: 'm4' });
    // As the robot saw it: nothing reached it within the window after its throttling reply.
    const [throttled, next] = dingtalk.requests();
    expect(dingtalk.requests()).toHaveLength(2);
    expect(next!.at - throttled!.at).toBeGreaterThanOrEqual(350);
    robots.close();
  });
});
