import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Caller, type Harness } from './harness.js';
import { malformedBody, type JsonSchema } from './malformed-bodies.js';
import { ROUTE_RULES, expected } from './routes.js';

// At least 500 malformed bodies per JSON route of /openapi.json, generated from its schema: every
// one is a 4xx with a Chinese message naming the field, none a 5xx, none reaches Temporal.
const RUNS = 500;
const SEED = 20260302;

type Doc = {
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
  >;
};
let h: Harness;
let routes: { path: string; schema: JsonSchema; caller: Caller; valid: Record<string, unknown> }[];
beforeAll(async () => {
  h = await startHarness();
  const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json<Doc>();
  routes = Object.entries(doc.paths).flatMap(([path, ops]) => {
    const schema = ops.post?.requestBody?.content['application/json']?.schema;
    const rule = ROUTE_RULES[`post ${path}`];
    if (!schema || !rule?.body) return [];
    const caller = (['office', 'ownGroup', 'ownUnit'] as const).find((c) => expected(rule, c) === 'allow')!;
    return [{ path, schema, caller, valid: rule.body }];
  });
});
afterAll(() => h?.close());

describe('generated malformed bodies', () => {
  it('refuses every one with a 4xx in Chinese naming the field, reaching nothing', async () => {
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const kinds = new Map<string, number>();
    let total = 0;
    for (const route of routes) {
      const url = route.path
        .replace('{campaignId}', 'c1')
        .replace('{unitId}', 'A')
        .replace('{problemId}', 'p1');
      await fc.assert(
        fc.asyncProperty(malformedBody(route.schema, route.valid), async (m) => {
          h.calls.length = 0;
          const r = await h.app.inject({
            method: 'POST',
            url,
            headers: h.headers(route.caller, { 'content-type': 'application/json' }),
            payload: m.payload,
          });
          const what = `${route.path} ${m.kind}: ${m.payload.slice(0, 200)} → ${r.statusCode} ${r.body.slice(0, 300)}`;
          expect(r.statusCode, what).toBeGreaterThanOrEqual(400);
          expect(r.statusCode, what).toBeLessThan(500);
          const message = r.json<{ message: string }>().message;
          expect(message, what).toMatch(/[\u4e00-\u9fff]/);
          if (m.field !== null) expect(message, what).toContain(m.field);
          expect(h.calls, what).toEqual([]);
          total += 1;
          kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    }
    console.log(
      `security fuzz: ${total} malformed bodies over ${routes.length} routes (${RUNS} each, seed ${SEED}): ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
    expect(total).toBe(routes.length * RUNS);
  });
});
