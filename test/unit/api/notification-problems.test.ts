import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryLog } from '../../../activities/notify/log/delivery-log.js';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import {
  sha256Hex,
  type DeliveryProblem,
  type DeliveryProblemList,
} from '../../../client/api/delivery-problems.js';
import { createApiServer } from '../../../client/api/server.js';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { issueTokens } from '../../../client/api/tokens.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import { UNIT_A } from './support.js';

const unit = UNIT_A;
const { store, issued } = issueTokens('c1', [unit], {
  name: '活动办',
  members: [{ id: 'office', name: '孙主任' }],
});
const tokens = new FileTokenStore(store);
const bearer = (personId: string) => ({
  authorization: `Bearer ${issued.find((t) => t.personId === personId)!.token}`,
});
// Nothing here reaches Temporal.
const noTemporal = {} as Client;

let dir: string;
let log: DeliveryLog;
const statusStore = openSqliteStatusStore(':memory:');
let app: FastifyInstance;
let bare: FastifyInstance;

async function record(
  id: string,
  channel: 'email' | 'sms',
  role: string,
  name: string,
  address: string,
  outcome: 'failed' | 'uncertain' | 'sent',
  reason: string,
  at: string,
) {
  const deliveryKey = `${id}#${channel}#${role}#${address}`;
  const o = { deliveryKey, claimToken: 't', now: new Date(at) };
  await log.claim({
    deliveryKey,
    notificationId: id,
    channel,
    event: id.split('/').at(-1) === 'kickoff' ? 'kickoff' : 'urge',
    role,
    recipientName: name,
    address,
    claimToken: 't',
    now: o.now,
    leaseMs: 120_000,
  });
  if (outcome === 'sent') await log.markSent({ ...o, providerMessageId: null });
  else if (outcome === 'failed')
    await log.markFailed({ ...o, errorCode: 'invalid_address', errorReason: reason });
  else await log.markUncertain({ ...o, errorCode: 'uncertain_after_crash', errorReason: reason });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'api-notify-'));
  log = openSqliteDeliveryLog(path.join(dir, 'delivery.sqlite'));
  await record(
    'campaign/c1/unit/A/kickoff',
    'sms',
    'liaison',
    'A联络员',
    '1234',
    'failed',
    '手机号码不是有效的大陆手机号：1234',
    '2009-11-10T02:00:00Z',
  );
  await record(
    'campaign/c1/unit/A/kickoff',
    'email',
    'head',
    'A书记',
    'head-a@u.cn',
    'sent',
    '',
    '2009-11-10T02:00:00Z',
  );
  await record(
    'campaign/c1/unit/A/task/plan/urge/1',
    'email',
    'head',
    'A书记',
    'head-a@u.cn',
    'uncertain',
    '邮件发送过程中工作进程中断，无法确认对方是否已收到',
    '2009-11-12T02:00:00Z',
  );
  await record(
    'campaign/c2/unit/A/kickoff',
    'email',
    'liaison',
    '别的活动',
    'x',
    'failed',
    '邮箱地址格式不正确：x',
    '2009-11-13T02:00:00Z',
  );
  const common = {
    temporalClient: noTemporal,
    statusStore,
    store: tokens,
    uploads: localUploadStore(path.join(dir, 'uploads')),
    progress: { dir: path.join(dir, 'progress'), timerMs: 0 },
  };
  app = await createApiServer({ ...common, deliveryLog: log, now: () => Date.parse('2009-11-14T02:00:00Z') });
  bare = await createApiServer(common);
});
afterAll(async () => {
  await app?.close();
  await bare?.close();
  await log?.close();
  await rm(dir, { recursive: true, force: true });
});

const URL = '/api/campaigns/c1/notification-problems';

describe('GET /api/campaigns/{c}/notification-problems', () => {
  it('gives the office this campaign’s failed and uncertain deliveries, newest first, with unit, labels and reason', async () => {
    const r = await app.inject({ method: 'GET', url: URL, headers: bearer('office') });
    expect(r.statusCode).toBe(200);
    const body = r.json<DeliveryProblemList>();
    expect(
      body.problems.map((p) => [
        p.unitId,
        p.statusLabel,
        p.channelLabel,
        p.recipient,
        p.eventLabel,
        p.reason,
      ]),
    ).toEqual([
      [
        'A',
        '结果未知',
        '邮件',
        '第一责任人 A书记',
        '催办',
        '邮件发送过程中工作进程中断，无法确认对方是否已收到',
      ],
      ['A', '发送失败', '短信', '联络员 A联络员', '启动通知', '手机号码不是有效的大陆手机号：1234'],
    ]);
    expect(body.problems[1]!.address).toBe('1234');
    expect([body.campaignId, body.failed, body.uncertain, body.truncated]).toEqual(['c1', 1, 1, false]);
    const one = (
      await app.inject({ method: 'GET', url: `${URL}?limit=1`, headers: bearer('office') })
    ).json<DeliveryProblemList>();
    expect([one.problems.length, one.truncated]).toEqual([1, true]);
  });

  it('lists this campaign’s stuck units first, as 流程异常，需要技术处理 with the error (from the health cache)', async () => {
    const finding = {
      unitId: 'A',
      unitName: 'A镇机关',
      state: 'stuck' as const,
      failures: 5,
      error:
        '[TMPRL1100] Nondeterminism error: No command scheduled for event HistoryEvent(id: 31, TimerStarted)',
      since: '2009-11-13T01:00:00Z',
      checkedAt: '2009-11-13T02:00:00Z',
    };
    await statusStore.putHealth([
      { ...finding, campaignId: 'c1' },
      { ...finding, campaignId: 'c2' },
      { ...finding, campaignId: 'c1', unitId: 'B', state: 'late', failures: 0 },
    ]);
    try {
      const body = (
        await app.inject({ method: 'GET', url: URL, headers: bearer('office') })
      ).json<DeliveryProblemList>();
      expect(body.workflowProblems).toEqual([
        {
          campaignId: 'c1',
          unitId: 'A',
          unitName: 'A镇机关',
          statusLabel: '流程异常，需要技术处理',
          error: finding.error,
          failures: 5,
          since: '2009-11-13T01:00:00.000Z',
          checkedAt: '2009-11-13T02:00:00.000Z',
        },
      ]);
      // The notifications are listed as before.
      expect([body.failed, body.uncertain]).toEqual([1, 1]);
    } finally {
      await statusStore.clearHealth('c1', ['A', 'B']);
      await statusStore.clearHealth('c2', ['A']);
    }
    expect(
      (await app.inject({ method: 'GET', url: URL, headers: bearer('office') })).json<DeliveryProblemList>()
        .workflowProblems,
    ).toEqual([]);
  });

  it('refuses 指导组 and units, another campaign, and a bad limit, in Chinese', async () => {
    const g = await app.inject({ method: 'GET', url: URL, headers: bearer('G1-m1') });
    expect([g.statusCode, g.json<{ message: string }>().message]).toEqual([
      403,
      '指导组成员无权查看通知异常',
    ]);
    const u = await app.inject({ method: 'GET', url: URL, headers: bearer('A-liaison') });
    expect(u.statusCode).toBe(403);
    const other = await app.inject({
      method: 'GET',
      url: '/api/campaigns/c2/notification-problems',
      headers: bearer('office'),
    });
    expect([other.statusCode, other.json<{ message: string }>().message]).toEqual([
      403,
      '令牌属于活动「c1」，不能访问活动「c2」',
    ]);
    const bad = await app.inject({ method: 'GET', url: `${URL}?limit=0`, headers: bearer('office') });
    expect([bad.statusCode, bad.json<{ message: string }>().message]).toEqual([
      400,
      '查询参数 limit：不能小于 1',
    ]);
    expect((await app.inject({ method: 'GET', url: URL })).statusCode).toBe(401);
  });

  it('answers 503 with what to configure when the server has no delivery log', async () => {
    const r = await bare.inject({ method: 'GET', url: URL, headers: bearer('office') });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({
      error: 'not_configured',
      message: expect.stringContaining('NOTIFY_SQLITE_PATH') as unknown,
    });
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, unknown>;
    }>();
    expect(doc.paths).toHaveProperty(['/api/campaigns/{campaignId}/notification-problems']);
  });
});

const SMS_KEY = 'campaign/c1/unit/A/kickoff#sms#liaison#1234';
const UNCERTAIN_KEY = 'campaign/c1/unit/A/task/plan/urge/1#email#head#head-a@u.cn';
const resolveUrl = (id: string) => `${URL}/${encodeURIComponent(id)}/resolution`;

describe('POST /api/campaigns/{c}/notification-problems/{id}/resolution', () => {
  it('lists each problem with its short id; resolving by it records the office user from the token and takes it off the list', async () => {
    const before = (
      await app.inject({ method: 'GET', url: URL, headers: bearer('office') })
    ).json<DeliveryProblemList>();
    const row = before.problems.find((p) => p.deliveryKey === UNCERTAIN_KEY)!;
    expect(row.id).toBe(sha256Hex(UNCERTAIN_KEY).slice(0, 8));
    const r = await app.inject({
      method: 'POST',
      url: resolveUrl(row.id),
      headers: bearer('office'),
      payload: { kind: 'received', note: '  已电话核实收到 ' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json<DeliveryProblem>()).toMatchObject({
      id: row.id,
      status: 'uncertain',
      statusLabel: '结果未知',
      resolution: {
        kind: 'received',
        kindLabel: '已核实收到',
        by: '孙主任',
        at: '2009-11-14T02:00:00.000Z',
        note: '已电话核实收到',
      },
    });
    const open = (
      await app.inject({ method: 'GET', url: URL, headers: bearer('office') })
    ).json<DeliveryProblemList>();
    expect(open.problems.map((p) => p.deliveryKey)).toEqual([SMS_KEY]);
    expect([open.failed, open.uncertain, open.resolved, open.includeResolved]).toEqual([1, 0, 0, false]);
    const all = (
      await app.inject({ method: 'GET', url: `${URL}?includeResolved=true`, headers: bearer('office') })
    ).json<DeliveryProblemList>();
    expect(all.problems.map((p) => [p.deliveryKey, p.resolution?.kindLabel])).toEqual([
      [UNCERTAIN_KEY, '已核实收到'],
      [SMS_KEY, undefined],
    ]);
    expect([all.failed, all.uncertain, all.resolved]).toEqual([1, 0, 1]);
    // The send itself is still recorded as uncertain.
    expect((await log.get(UNCERTAIN_KEY))?.status).toBe('uncertain');
  });

  it('accepts the full delivery key too, and a second resolution replaces the first', async () => {
    const first = await app.inject({
      method: 'POST',
      url: resolveUrl(SMS_KEY),
      headers: bearer('office'),
      payload: { kind: 'other' },
    });
    expect(first.statusCode).toBe(200);
    const again = await app.inject({
      method: 'POST',
      url: resolveUrl(sha256Hex(SMS_KEY).slice(0, 8)),
      headers: bearer('office'),
      payload: { kind: 'address_fixed', note: '名单已改为 13800000000' },
    });
    expect(again.json<DeliveryProblem>().resolution).toEqual({
      kind: 'address_fixed',
      kindLabel: '已更正地址',
      by: '孙主任',
      at: '2009-11-14T02:00:00.000Z',
      note: '名单已改为 13800000000',
    });
    const all = (
      await app.inject({ method: 'GET', url: `${URL}?includeResolved=true`, headers: bearer('office') })
    ).json<DeliveryProblemList>();
    expect(all.problems.find((p) => p.deliveryKey === SMS_KEY)?.resolution?.kind).toBe('address_fixed');
    expect(
      (await log.attempts(SMS_KEY)).filter((a) => a.outcome === 'resolved').map((a) => a.detail),
    ).toEqual(['other · 孙主任', 'address_fixed · 孙主任 · 名单已改为 13800000000']);
  });

  it('validates the body with every problem named in Chinese', async () => {
    const id = sha256Hex(SMS_KEY).slice(0, 8);
    const bad = await app.inject({
      method: 'POST',
      url: resolveUrl(id),
      headers: bearer('office'),
      payload: { kind: 'phoned', note: '长'.repeat(201), by: '别人' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ problems: string[] }>().problems).toEqual([
      'kind：只能是 received、resent、address_fixed、other 之一',
      'note：不能超过 200 个字',
      'by：不是可接受的字段',
    ]);
    const missing = await app.inject({
      method: 'POST',
      url: resolveUrl(id),
      headers: bearer('office'),
      payload: {},
    });
    expect([missing.statusCode, missing.json<{ message: string }>().message]).toEqual([
      400,
      'kind：必须填写',
    ]);
    const wrongType = await app.inject({
      method: 'POST',
      url: resolveUrl(id),
      headers: bearer('office'),
      payload: { kind: 'other', note: 5 },
    });
    expect(wrongType.json<{ message: string }>().message).toBe('note：应为文字');
    const notJson = await app.inject({
      method: 'POST',
      url: resolveUrl(id),
      headers: bearer('office'),
      payload: [],
    });
    expect([notJson.statusCode, notJson.json<{ message: string }>().message]).toEqual([
      400,
      '请求：应为对象',
    ]);
  });

  it('404 for an id or key it does not know, 409 for a delivery that is no problem; another campaign’s problem is out of reach', async () => {
    const none = await app.inject({
      method: 'POST',
      url: resolveUrl('deadbeef'),
      headers: bearer('office'),
      payload: { kind: 'other' },
    });
    expect([none.statusCode, none.json<{ message: string }>().message]).toEqual([
      404,
      'problemId「deadbeef」：活动「c1」的通知异常中没有这个编号（编号见通知异常列表的第一列）',
    ]);
    const sent = 'campaign/c1/unit/A/kickoff#email#head#head-a@u.cn';
    const ok = await app.inject({
      method: 'POST',
      url: resolveUrl(sent),
      headers: bearer('office'),
      payload: { kind: 'other' },
    });
    expect([ok.statusCode, ok.json<{ message: string }>().message]).toEqual([
      409,
      `problemId「${sent}」：这条通知的状态不是发送失败或结果未知，无需标记处理`,
    ]);
    const other = 'campaign/c2/unit/A/kickoff#email#liaison#x';
    const c2 = await app.inject({
      method: 'POST',
      url: resolveUrl(other),
      headers: bearer('office'),
      payload: { kind: 'other' },
    });
    expect(c2.statusCode).toBe(404);
    const c2short = await app.inject({
      method: 'POST',
      url: resolveUrl(sha256Hex(other).slice(0, 8)),
      headers: bearer('office'),
      payload: { kind: 'other' },
    });
    expect(c2short.statusCode).toBe(404);
    expect(
      (await log.problems({ includeResolved: true, notificationIdPrefix: 'campaign/c2/' }))[0]?.resolution,
    ).toBeNull();
  });

  it('is the office’s alone, within its own campaign, and needs the delivery log', async () => {
    const id = sha256Hex(SMS_KEY).slice(0, 8);
    const g = await app.inject({
      method: 'POST',
      url: resolveUrl(id),
      headers: bearer('G1-m1'),
      payload: { kind: 'other' },
    });
    expect([g.statusCode, g.json<{ message: string }>().message]).toEqual([
      403,
      '指导组成员无权标记通知异常已处理',
    ]);
    const u = await app.inject({
      method: 'POST',
      url: resolveUrl(id),
      headers: bearer('A-liaison'),
      payload: { kind: 'other' },
    });
    expect(u.statusCode).toBe(403);
    const other = await app.inject({
      method: 'POST',
      url: `/api/campaigns/c2/notification-problems/${id}/resolution`,
      headers: bearer('office'),
      payload: { kind: 'other' },
    });
    expect(other.statusCode).toBe(403);
    expect(
      (await app.inject({ method: 'POST', url: resolveUrl(id), payload: { kind: 'other' } })).statusCode,
    ).toBe(401);
    expect(
      (
        await bare.inject({
          method: 'POST',
          url: resolveUrl(id),
          headers: bearer('office'),
          payload: { kind: 'other' },
        })
      ).statusCode,
    ).toBe(503);
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: unknown }> } } }>;
    }>();
    const post = doc.paths['/api/campaigns/{campaignId}/notification-problems/{problemId}/resolution']?.post;
    expect(post?.requestBody?.content['application/json']?.schema).toMatchObject({
      properties: { kind: { enum: ['received', 'resent', 'address_fixed', 'other'] } },
      required: ['kind'],
    });
  });
});
