import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLERS, startHarness, type Harness } from './harness.js';
import { ROUTE_RULES, expected, type RouteRule } from './routes.js';

// Every route of /openapi.json × {no token, office, own group, other group, own unit, other unit}:
// allowed or refused as the code's access tables say, and a refusal reaches nothing.
let h: Harness;
let routes: { method: string; path: string; rule: RouteRule | undefined }[];
beforeAll(async () => {
  h = await startHarness();
  const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({ method, path, rule: ROUTE_RULES[`${method} ${path}`] })),
  );
  // Rotating one's own token changes who the next request is: last.
  routes.sort(
    (a, b) => Number(a.path === '/api/me/token/rotate') - Number(b.path === '/api/me/token/rotate'),
  );
});
afterAll(() => h?.close());

const FORM =
  '--XX\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 matrix\r\n--XX--\r\n';

describe('access matrix', () => {
  it('knows every route of the OpenAPI document', () => {
    expect(routes.filter((r) => !r.rule).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(routes.length).toBeGreaterThan(30);
  });

  it('allows and refuses each caller as the access tables say; a refusal changes nothing', async () => {
    const wrong: string[] = [];
    let cells = 0;
    let refusals = 0;
    for (const { method, path, rule } of routes) {
      const url = path.replace('{campaignId}', 'c1').replace('{unitId}', 'A').replace('{problemId}', 'p1');
      for (const caller of CALLERS) {
        cells += 1;
        const want = expected(rule!, caller);
        const before = await h.snapshot();
        h.calls.length = 0;
        const headers = h.headers(
          caller,
          rule!.multipart
            ? { 'content-type': 'multipart/form-data; boundary=XX' }
            : rule!.body
              ? { 'content-type': 'application/json' }
              : {},
        );
        const payload = rule!.multipart ? FORM : rule!.body ? JSON.stringify(rule!.body) : undefined;
        const r = await h.app.inject({
          method: method.toUpperCase() as 'GET' | 'POST',
          url,
          headers,
          ...(payload !== undefined ? { payload } : {}),
        });
        const cell = `${method.toUpperCase()} ${path} as ${caller}: ${r.statusCode}`;
        if (want === 'allow') {
          if (r.statusCode === 401 || r.statusCode === 403)
            wrong.push(`${cell} (expected allowed) ${r.body}`);
          continue;
        }
        refusals += 1;
        if (r.statusCode !== want) wrong.push(`${cell} (expected ${want}) ${r.body.slice(0, 200)}`);
        if (!/[\u4e00-\u9fff]/.test(r.json<{ message: string }>().message))
          wrong.push(`${cell}: message not Chinese`);
        if (h.calls.length > 0) wrong.push(`${cell}: reached Temporal (${h.calls.join(', ')})`);
        if ((await h.snapshot()) !== before) wrong.push(`${cell}: changed tokens or uploads`);
      }
    }
    console.log(
      `security matrix: ${routes.length} routes × ${CALLERS.length} callers = ${cells} cells, ${refusals} refusals, ${cells - refusals} allowed`,
    );
    expect(wrong).toEqual([]);
    expect(cells).toBe(routes.length * CALLERS.length);
  });
});
