import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';
/**
 * The token lifecycle through the API (office lists, revokes, rotates; anyone rotates their own),
 * two API servers on one token file refusing a revoked token on the next request, and the routes
 * operators use without a token: /healthz, /readyz, /metrics.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../../client/api/server.js';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { issueTokens } from '../../../client/api/tokens.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import { rosterUnit } from './support/token-store-contract.js';

/** No Temporal behind these servers: the token routes never reach it, and /readyz must say so. */
const unreachable = {
  connection: {
    withDeadline: () => Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7233')),
  },
} as unknown as Client;

const { store: file, issued } = issueTokens(
  'c1',
  [rosterUnit('A', 'G1'), rosterUnit('B', 'G2')],
  { name: '活动办', members: [{ id: 'office', name: '孙主任' }] },
  ['study'],
);
const token = (personId: string) => issued.find((t) => t.personId === personId)!.token;
let dir: string;
let a: FastifyInstance;
let b: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'token-lifecycle-'));
  const storePath = path.join(dir, 'tokens.json');
  await writeFile(storePath, JSON.stringify(file), { mode: 0o600 });
  const server = async () =>
    createApiServer({
      temporalClient: unreachable,
      statusStore: openSqliteStatusStore(':memory:'),
      store: await FileTokenStore.load(storePath),
      uploads: localUploadStore(path.join(dir, 'uploads')),
      rateLimitPerMinute: 1000,
    });
  [a, b] = [await server(), await server()];
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await rm(dir, { recursive: true, force: true });
});

const call = (app: FastifyInstance, method: 'GET' | 'POST', url: string, bearer: string, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${bearer}` },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });

describe('token lifecycle over the API', () => {
  it('the office lists logins without tokens or hashes; others may not', async () => {
    const r = await call(a, 'GET', '/api/campaigns/c1/tokens', token('office'));
    expect(r.statusCode).toBe(200);
    const list = r.json<{ tokens: { personId: string; expiresAt?: string }[] }>().tokens;
    expect(list.map((t) => t.personId)).toEqual([
      'office',
      'G1-m1',
      'G1-m2',
      'A-liaison',
      'A-head',
      'G2-m1',
      'G2-m2',
      'B-liaison',
      'B-head',
    ]);
    expect(list.every((t) => t.expiresAt)).toBe(true);
    expect(r.body).not.toMatch(/co_|[0-9a-f]{64}/);
    const unit = await call(a, 'GET', '/api/campaigns/c1/tokens', token('A-liaison'));
    expect(unit.statusCode).toBe(403);
    expect(unit.json<{ message: string }>().message).toBe('参学单位无权管理登录令牌');
  });

  it('a token revoked through one server is refused by the other on its next request', async () => {
    expect((await call(b, 'GET', '/api/me', token('A-head'))).statusCode).toBe(200);
    const r = await call(a, 'POST', '/api/campaigns/c1/tokens/revoke', token('office'), {
      personId: 'A-head',
      reason: '调离',
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ revoked: 1 });
    const refused = await call(b, 'GET', '/api/me', token('A-head'));
    expect(refused.statusCode).toBe(401);
    expect(refused.json<{ message: string }>().message).toMatch(
      /^令牌已于 \S+ 作废（调离），请向活动办申请新令牌$/,
    );
    expect((await call(b, 'GET', '/api/me', token('A-liaison'))).statusCode).toBe(200);

    const unitWide = await call(b, 'POST', '/api/campaigns/c1/tokens/revoke', token('office'), {
      unitId: 'A',
    });
    expect(unitWide.json()).toEqual({ revoked: 1 });
    expect((await call(a, 'GET', '/api/me', token('A-liaison'))).statusCode).toBe(401);
    expect((await call(a, 'GET', '/api/me', token('G1-m1'))).statusCode).toBe(200);
  });

  it('refuses a bad revoke body naming the field, and a revoke by anyone but the office', async () => {
    const bad = await call(a, 'POST', '/api/campaigns/c1/tokens/revoke', token('office'), {
      personId: '',
      extra: 1,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toBe('personId：不能为空；extra：不是可接受的字段');
    const two = await call(a, 'POST', '/api/campaigns/c1/tokens/revoke', token('office'), {
      personId: 'B-head',
      unitId: 'B',
    });
    expect(two.statusCode).toBe(400);
    expect(two.json<{ message: string }>().message).toMatch(
      /^personId、unitId、campaign：须且只须填写其中一个/,
    );
    const none = await call(a, 'POST', '/api/campaigns/c1/tokens/revoke', token('office'), {
      campaign: false,
    });
    expect(none.statusCode).toBe(400);
    expect(none.json<{ message: string }>().message).toMatch(/^campaign：/);
    const group = await call(a, 'POST', '/api/campaigns/c1/tokens/revoke', token('G2-m1'), {
      personId: 'B-head',
    });
    expect(group.statusCode).toBe(403);
    expect((await call(a, 'GET', '/api/me', token('B-head'))).statusCode).toBe(200);
  });

  it('rotates a person for the office, and anyone their own token: the old one stops at once', async () => {
    const r = await call(a, 'POST', '/api/campaigns/c1/tokens/rotate', token('office'), {
      personId: 'B-liaison',
    });
    expect(r.statusCode).toBe(200);
    const fresh = r.json<{ token: { token: string; personId: string; unitId: string } }>().token;
    expect(fresh).toMatchObject({ personId: 'B-liaison', unitId: 'B' });
    expect(
      (await call(b, 'GET', '/api/me', token('B-liaison'))).json<{ message: string }>().message,
    ).toContain('已换发新令牌');
    expect((await call(b, 'GET', '/api/me', fresh.token)).json<{ personId: string }>().personId).toBe(
      'B-liaison',
    );
    expect(
      (await call(a, 'POST', '/api/campaigns/c1/tokens/rotate', token('office'), { personId: 'nobody' }))
        .statusCode,
    ).toBe(404);

    const own = await call(b, 'POST', '/api/me/token/rotate', token('G2-m2'));
    const mine = own.json<{ token: { token: string } }>().token.token;
    expect((await call(a, 'GET', '/api/me', token('G2-m2'))).statusCode).toBe(401);
    expect((await call(a, 'GET', '/api/me', mine)).json<{ groupId: string }>().groupId).toBe('G2');
  });

  it('a whole campaign revoked: nobody gets in any more', async () => {
    const r = await call(a, 'POST', '/api/campaigns/c1/tokens/revoke', token('office'), {
      campaign: true,
      reason: '活动结束',
    });
    expect(r.json<{ revoked: number }>().revoked).toBeGreaterThan(0);
    for (const p of ['office', 'G1-m1', 'B-head'])
      expect((await call(b, 'GET', '/api/me', token(p))).statusCode).toBe(401);
  });
});

describe('operations routes', () => {
  it('/healthz answers without a token; /readyz names what is unreachable', async () => {
    expect((await a.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
    const ready = await a.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({
      ok: false,
      checks: { temporal: 'Temporal 服务不可达：14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7233' },
    });
  });

  it('/metrics counts requests by route pattern and refusals by reason', async () => {
    const text = (await a.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/campaign_api_requests_total\{method="GET",route="\/api\/me",status="200"\} \d+/);
    expect(text).toMatch(/campaign_api_refusals_total\{status="401",reason="revoked_token"\} [1-9]/);
    expect(text).toMatch(/campaign_api_refusals_total\{status="403",reason="forbidden"\} [1-9]/);
    expect(text).toContain('campaign_api_request_duration_seconds_bucket');
    expect(text).toContain('campaign_api_process_cpu_seconds_total');
    // Ids never become labels.
    expect(text).not.toContain('B-liaison');
  });
});
