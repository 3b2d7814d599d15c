import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';
import { createApiServer } from '../../../client/api/server.js';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { issueTokens } from '../../../client/api/tokens.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import { UNIT_A } from './support.js';

// Issue 14, findings 3 and 10: types are strict, nothing is coerced, and a refusal names the field.
// Every request below must be refused before anything reaches Temporal.
const unit = UNIT_A;
const { store, issued } = issueTokens('c1', [unit], {
  name: '活动办',
  members: [{ id: 'office', name: '孙主任' }],
});
const bearer = (personId: string) => ({
  authorization: `Bearer ${issued.find((t) => t.personId === personId)!.token}`,
  'content-type': 'application/json',
});
const reached: string[] = [];
// Any use of the client throws where it is made, so nothing is left as an unhandled rejection.
const temporal = {
  workflow: new Proxy(
    {},
    {
      get: (_t, name) => {
        reached.push(String(name));
        return () => {
          throw new Error('reached Temporal');
        };
      },
    },
  ),
} as unknown as Client;

let dir: string;
let app: FastifyInstance;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'api-strict-'));
  app = await createApiServer({
    temporalClient: temporal,
    statusStore: openSqliteStatusStore(':memory:'),
    store: new FileTokenStore(store),
    uploads: localUploadStore(dir),
    progress: { timerMs: 0 },
  });
});
afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

async function refused(person: string, url: string, payload: string): Promise<string[]> {
  const r = await app.inject({
    method: 'POST',
    url: `/api/campaigns/c1/${url}`,
    headers: bearer(person),
    payload,
  });
  expect(r.statusCode, `${url} ${payload}`).toBe(400);
  return r.json<{ problems: string[] }>().problems;
}

describe('strict request bodies (nothing coerced, every field named)', () => {
  it('refuses arrays, numbers and booleans where text or whole numbers belong', async () => {
    expect(
      await refused(
        'A-liaison',
        'units/A/submit',
        JSON.stringify({ taskId: ['implementation_plan'], summary: '已完成' }),
      ),
    ).toEqual(['taskId：应为文字']);
    expect(await refused('office', 'units/A/pause', JSON.stringify({ reason: 1 }))).toEqual([
      'reason：应为文字',
    ]);
    expect(
      await refused('office', 'batch/pause', JSON.stringify({ filter: { group: ['G1'] }, request: {} })),
    ).toEqual(['filter.group：应为文字']);
    expect(
      await refused('G1-m1', 'units/A/acknowledge', JSON.stringify({ taskId: 't', level: '1' })),
    ).toEqual(['level：应为整数']);
    expect(
      await refused('G1-m1', 'units/A/acknowledge', JSON.stringify({ taskId: 't', level: true })),
    ).toEqual(['level：应为整数']);
    expect(
      await refused(
        'G1-m1',
        'units/A/survey',
        JSON.stringify({
          satisfied: '3',
          basicallySatisfied: 1,
          dissatisfied: 0,
          respondents: 4,
          method: '集中评议',
        }),
      ),
    ).toEqual(['satisfied：应为整数']);
  });

  it('refuses __proto__ as the unknown field it is, at any depth', async () => {
    expect(await refused('office', 'units/A/pause', '{"__proto__":{"admin":true},"reason":"换届"}')).toEqual([
      '__proto__：不是可接受的字段',
    ]);
    expect(
      await refused('office', 'batch/pause', '{"filter":{"group":"G1","__proto__":{}},"request":{}}'),
    ).toEqual(['filter.__proto__：不是可接受的字段']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses NUL and other control characters and lone surrogates in text, naming the field', async () => {
    expect(await refused('office', 'units/A/pause', JSON.stringify({ reason: '换\u0000届' }))).toEqual([
      'reason：不能含有控制字符（如 NUL）',
    ]);
    expect(await refused('office', 'units/A/cancel', '{"reason":"撤销\\ud800"}')).toEqual([
      'reason：含有无法显示的字符（不成对的 UTF-16 代理项）',
    ]);
    expect(
      await refused('G1-m1', 'units/A/gap-items', JSON.stringify({ title: '补材料\u001b[31m' })),
    ).toEqual(['title：不能含有控制字符（如 NUL）']);
    // Line breaks and tabs are text.
    const ok = await app.inject({
      method: 'POST',
      url: '/api/campaigns/c1/units/A/pause',
      headers: bearer('office'),
      payload: JSON.stringify({ reason: '换届\n\t选举' }),
    });
    expect(ok.statusCode).not.toBe(400);
  });

  it('refuses a zero or malformed duration and an impossible date', async () => {
    expect(await refused('office', 'units/A/shift', JSON.stringify({ shift: '0d' }))).toEqual([
      'shift：「0d」的时长为 0，应至少 1 个单位（如 1d）',
    ]);
    expect(await refused('office', 'units/A/resume', JSON.stringify({ shiftBy: '-3d' }))).toEqual([
      'shiftBy：「-3d」不是时长，应写作 5wd（工作日）、7d、1mo、2h 等',
    ]);
    expect(
      await refused('office', 'units/A/adhoc', JSON.stringify({ title: '整改', due: '2026-02-30' })),
    ).toEqual(['due：「2026-02-30」不是有效日期']);
  });

  it('checks the batch request even when no unit would receive it', async () => {
    expect(
      await refused(
        'office',
        'batch/shift',
        JSON.stringify({ filter: { stage: 'nowhere' }, request: { shift: 'soon' } }),
      ),
    ).toEqual(['request.shift：「soon」不是时长，应写作 5wd（工作日）、7d、1mo、2h 等']);
  });

  it('reads list filters strictly from the query string', async () => {
    const q = async (query: string) =>
      (
        await app.inject({
          method: 'GET',
          url: `/api/campaigns/c1/units?${query}`,
          headers: bearer('office'),
        })
      ).json<{ message: string }>().message;
    expect(await q('overdue=1')).toBe('查询参数 overdue：只能是 true 或 false');
    expect(await q('limit=ten')).toBe('查询参数 limit：应为整数');
    expect(await q('group=G1&group=G2')).toBe('查询参数 group：应为文字');
    expect(await q('colour=red')).toBe('查询参数 colour：不是可接受的字段');
  });

  it('reached Temporal only for the one request that passed its checks', () => {
    // The one request that passed the checks (a pause with line breaks) is the only call.
    expect(reached).toEqual(['getHandle']);
  });
});

describe('the OpenAPI document is generated from the same schemas', () => {
  it('shows each operation body with its fields, the required ones, and no acting person', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<
        string,
        {
          post?: {
            requestBody?: {
              content: Record<
                string,
                {
                  schema: {
                    properties: Record<string, unknown>;
                    required?: string[];
                    additionalProperties?: boolean;
                  };
                }
              >;
            };
          };
        }
      >;
    }>();
    const body = (p: string) => doc.paths[p]!.post!.requestBody!.content['application/json']!.schema;
    const review = body('/api/campaigns/{campaignId}/units/{unitId}/review');
    expect(Object.keys(review.properties).sort()).toEqual(['decision', 'failedItems', 'reasons', 'taskId']);
    expect(review.required?.sort()).toEqual(['decision', 'taskId']);
    expect(review.additionalProperties).toBe(false);
    expect(Object.keys(body('/api/campaigns/{campaignId}/units/{unitId}/submit').properties).sort()).toEqual([
      'fileRefs',
      'summary',
      'taskId',
    ]);
    expect(
      Object.keys(body('/api/campaigns/{campaignId}/batch/shift').properties.request as object),
    ).toContain('properties');
  });
});
