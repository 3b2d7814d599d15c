import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleServer } from '../../client/demo/console-server.js';
import { startHarness, type Harness } from './harness.js';

// Issue 14's findings 1, 2, 4, 6, 8 and 9 (3, 5, 7 and 10: test/unit/api/strict-inputs.test.ts).
const form = (parts: { name: string; filename?: string; body: string }[], end = '--XX--\r\n') =>
  parts
    .map(
      (p) =>
        `--XX\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n${p.filename ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n${p.body}\r\n`,
    )
    .join('') + end;
const MULTIPART = { 'content-type': 'multipart/form-data; boundary=XX' };

describe('finding 1: token guessing is limited per address and globally, before the token is read', () => {
  let clock = Date.parse('2026-03-02T02:00:00Z');
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      rateLimitPerMinute: 5,
      tokenFailuresPerAddressPerMinute: 3,
      tokenFailuresPerMinute: 8,
      now: () => clock,
    });
  });
  afterAll(() => h.close());
  const me = (authorization: string, remoteAddress: string) =>
    h.app.inject({ method: 'GET', url: '/api/me', headers: { authorization }, remoteAddress });

  it('gives every spelling of Bearer the one allowance of the token', async () => {
    const t = h.token('office')!;
    const codes: number[] = [];
    for (const auth of [
      `bearer ${t}`,
      `BEARER  ${t}`,
      `Bearer\t${t}`,
      ` Bearer ${t} `,
      `Bearer ${t}`,
      `Bearer ${t}`,
    ])
      codes.push((await me(auth, '10.0.0.1')).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('stops answering an address that guessed too often, without checking its tokens', async () => {
    clock += 61_000;
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await me(`Bearer co_guess${i}`, '10.0.0.2')).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
    const valid = await me(`Bearer ${h.token('ownGroup')!}`, '10.0.0.2');
    expect(valid.statusCode).toBe(429);
    expect(valid.json<{ message: string }>().message).toMatch(/^令牌核验失败次数过多，请 \d+ 秒后再试$/);
    expect((await me(`Bearer ${h.token('ownGroup')!}`, '10.0.0.3')).statusCode).toBe(200);
  });

  it('stops checking tokens from any address once too many were refused, until the minute is over', async () => {
    clock += 61_000;
    const codes: number[] = [];
    for (let i = 0; i < 9; i++) codes.push((await me(`Bearer co_g${i}`, `10.1.0.${i}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429]);
    expect((await me(`Bearer ${h.token('ownUnit')!}`, '10.2.0.1')).statusCode).toBe(429);
    clock += 61_000;
    expect((await me(`Bearer ${h.token('otherUnit')!}`, '10.2.0.1')).statusCode).toBe(200);
  });
});

describe('findings 2, 4, 6, 8, 9', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  const post = (
    caller: Parameters<Harness['headers']>[0],
    url: string,
    payload: string,
    headers: Record<string, string> = MULTIPART,
  ) =>
    h.app.inject({
      method: 'POST',
      url: `/api/campaigns/c1/${url}`,
      headers: h.headers(caller, headers),
      payload,
    });

  it('2: multipart without a boundary, a truncated body and a YAML alias bomb are 400 in Chinese', async () => {
    for (const [caller, url] of [
      ['ownUnit', 'units/A/files'],
      ['office', 'preview'],
    ] as const) {
      const r = await post(caller, url, 'abc', { 'content-type': 'multipart/form-data' });
      expect(r.statusCode, url).toBe(400);
      expect(r.json<{ message: string }>().message).toMatch(/缺少 boundary/);
      const cut = await post(
        caller,
        url,
        form(
          [{ name: url === 'preview' ? 'plan' : 'file', filename: 'a.pdf', body: '%PDF-1.4' }],
          '',
        ).replace(/\r\n$/, ''),
      );
      expect(cut.statusCode, url).toBe(400);
      expect(cut.json<{ message: string }>().message).toMatch(/上传表单不完整/);
    }
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    const preview = await post('office', 'preview', form([{ name: 'plan', filename: 'p.yaml', body: bomb }]));
    expect(preview.statusCode).toBe(200);
    expect(JSON.stringify(preview.json())).toMatch(/别名（&、\*）展开过多/);
    const start = await post('office', 'start', form([{ name: 'plan', filename: 'p.yaml', body: bomb }]));
    expect(start.statusCode).toBe(400);
    expect(start.json<{ message: string }>().message).toMatch(/别名（&、\*）展开过多/);
  });

  it('4: a problem id of up to 1000 characters reaches the route (no English 414)', async () => {
    const id = encodeURIComponent(`c1/A/${'x'.repeat(900)}`);
    const r = await post(
      'office',
      `notification-problems/${id}/resolution`,
      JSON.stringify({ note: '已电话通知' }),
      { 'content-type': 'application/json' },
    );
    expect(r.statusCode).not.toBe(414);
    expect(r.json<{ message: string }>().message).toMatch(/[\u4e00-\u9fff]/);
    const long = await post(
      'office',
      `notification-problems/${'y'.repeat(1001)}/resolution`,
      JSON.stringify({ note: '已电话通知' }),
      { 'content-type': 'application/json' },
    );
    expect(long.statusCode).toBeLessThan(500);
    expect(long.json<{ message: string }>().message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('6: a second uploaded file is refused by name, not dropped', async () => {
    const files = [1, 2, 3].map((n) => ({ name: 'file', filename: `a${n}.pdf`, body: `%PDF-1.4 ${n}` }));
    const r = await post('ownUnit', 'units/A/files', form(files));
    expect(r.statusCode).toBe(400);
    expect(r.json<{ message: string }>().message).toBe(
      'file：一次只能上传一个文件（「a1.pdf」之后又收到「a2.pdf」），请逐个上传',
    );
    const ten = await post(
      'ownUnit',
      'units/A/files',
      form(Array.from({ length: 10 }, (_, n) => ({ name: 'file', filename: `b${n}.pdf`, body: '%PDF-1.4' }))),
    );
    expect(ten.statusCode).toBeGreaterThanOrEqual(400);
    expect(ten.statusCode).toBeLessThan(500);
  });

  it("8: a unit's list filters apply (to itself only)", async () => {
    h.calls.length = 0;
    h.args.length = 0;
    await h.app.inject({
      method: 'GET',
      url: '/api/campaigns/c1/units?stage=summary&unitType=town_office',
      headers: h.headers('ownUnit'),
    });
    const query = JSON.stringify(h.args);
    expect(query).toContain('summary');
    expect(query).toContain('town_office');
    expect(query).toMatch(/UnitId = \\?['"]A/);
  });

  it('10 (found by the generated suite): token and resolution texts refuse NUL and lone surrogates too', async () => {
    const json = { 'content-type': 'application/json' };
    const revoke = await post('office', 'tokens/revoke', JSON.stringify({ personId: 'x\u0000' }), json);
    expect(revoke.statusCode).toBe(400);
    expect(revoke.json<{ message: string }>().message).toBe('personId：不能含有控制字符（如 NUL）');
    const note = await post(
      'office',
      'notification-problems/p1/resolution',
      '{"kind":"other","note":"已处理\\ud800"}',
      json,
    );
    expect(note.statusCode).toBe(400);
    expect(note.json<{ message: string }>().message).toBe(
      'note：含有无法显示的字符（不成对的 UTF-16 代理项）',
    );
  });

  it('9: API answers, refusals included, carry CSP with frame-ancestors, nosniff and Referrer-Policy', async () => {
    for (const r of [
      await h.app.inject({ method: 'GET', url: '/api/me', headers: h.headers('office') }),
      await h.app.inject({ method: 'GET', url: '/api/me' }),
      await h.app.inject({ method: 'GET', url: '/openapi.json' }),
    ]) {
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('9: the console page carries them too', async () => {
    const dist = await mkdtemp(path.join(tmpdir(), 'console-dist-'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>控制台</title>');
    const c = await startConsoleServer({ api: h.app, distDir: dist });
    try {
      const r = await fetch(c.url);
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    } finally {
      await c.close();
      await rm(dist, { recursive: true, force: true });
    }
  });
});
