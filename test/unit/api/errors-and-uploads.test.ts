import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { OPERATION_BODIES, filterQuery } from '../../../client/api/route-schemas.js';
import { zodValidatorCompiler } from '../../../client/api/zod-routes.js';
import { checkInput, problemLine } from '../../../domain/input/problems.js';
import { createApiServer } from '../../../client/api/server.js';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { issueTokens } from '../../../client/api/tokens.js';
import { checkFileType, localUploadStore } from '../../../client/api/uploads.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('schema errors in Chinese', () => {
  it('names every field and why', () => {
    const lines = (schema: Parameters<typeof checkInput>[0], data: unknown) => {
      const r = checkInput(schema, data);
      return r.ok ? [] : r.problems.map((p) => problemLine(p));
    };
    expect(
      lines(OPERATION_BODIES.review, { decision: 'maybe', reasons: ['ok', 'x'.repeat(501)], by: 'office' }),
    ).toEqual([
      'taskId：必须填写',
      'decision：只能是 approve、return 之一',
      'reasons[1]：不能超过 500 个字',
      'by：不是可接受的字段',
    ]);
    expect(lines(OPERATION_BODIES.acknowledge, { taskId: 't', level: '1' })).toEqual(['level：应为整数']);
    const validate = zodValidatorCompiler({
      schema: filterQuery,
      httpPart: 'querystring',
      method: 'GET',
      url: '/x',
    }) as (d: unknown) => { error?: Error };
    expect(validate({ limit: '0' }).error?.message).toBe('查询参数 limit：不能小于 1');
  });
});

describe('uploads', () => {
  it('stores by content hash, once', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'uploads-'));
    dirs.push(dir);
    const store = localUploadStore(dir);
    const bytes = Buffer.from('%PDF-1.4 hello');
    const hex = createHash('sha256').update(bytes).digest('hex');
    expect(await store.put(bytes)).toEqual({ ref: `sha256:${hex}`, size: bytes.length, existed: false });
    expect(await store.put(bytes)).toEqual({ ref: `sha256:${hex}`, size: bytes.length, existed: true });
    expect(await readFile(path.join(dir, hex.slice(0, 2), hex))).toEqual(bytes);
    expect(await store.has(`sha256:${hex}`)).toBe(true);
    expect(await store.has(`sha256:${'1'.repeat(64)}`)).toBe(false);
    expect(await store.has('../../etc/passwd')).toBe(false);
  });

  it('checks the type by extension and leading bytes', () => {
    expect(checkFileType('方案.PDF', Buffer.from('%PDF-1.7'))).toBeUndefined();
    expect(checkFileType('方案.docx', Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBeUndefined();
    expect(checkFileType('照片.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBeUndefined();
    expect(checkFileType('方案.docx', Buffer.from('%PDF'))).toBe(
      '文件「方案.docx」的内容与扩展名 .docx 不符',
    );
    expect(checkFileType('run.sh', Buffer.from('#!/bin/sh'))).toMatch(/^文件「run.sh」的类型不允许上传/);
    expect(checkFileType('noext', Buffer.from('%PDF'))).toMatch(/类型不允许上传/);
  });
});

describe('no internals to clients', () => {
  it('answers an unexpected failure with a plain 500 and no stack, path or message', async () => {
    const { store, issued } = issueTokens('c1', [], {
      name: '活动办',
      members: [{ id: 'office', name: '孙主任' }],
    });
    const failing = {
      workflow: { count: () => Promise.reject(new Error('boom at /srv/secret/path.ts:12')) },
    } as unknown as Client;
    const dir = await mkdtemp(path.join(tmpdir(), 'uploads-'));
    dirs.push(dir);
    const app = await createApiServer({
      temporalClient: failing,
      statusStore: openSqliteStatusStore(':memory:'),
      store: new FileTokenStore(store),
      uploads: localUploadStore(dir),
    });
    const r = await app.inject({
      method: 'GET',
      url: '/api/campaigns/c1/overview',
      headers: { authorization: `Bearer ${issued[0]!.token}` },
    });
    expect(r.statusCode).toBe(500);
    expect(r.json()).toEqual({
      error: 'internal',
      message: '服务器内部错误，请稍后再试；如持续出现请联系活动办',
    });
    expect(r.body).not.toMatch(/boom|secret|\.ts|at /);
    const nf = await app.inject({
      method: 'GET',
      url: '/nothing',
      headers: { authorization: `Bearer ${issued[0]!.token}` },
    });
    expect(nf.statusCode).toBe(404);
    expect(nf.json<{ message: string }>().message).toBe('没有这个接口，请查看 /openapi.json');
    const badJson = await app.inject({
      method: 'POST',
      url: '/api/campaigns/c1/units/A/pause',
      headers: { authorization: `Bearer ${issued[0]!.token}`, 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json<{ message: string }>().message).toBe('请求体不是有效的 JSON');
    await app.close();
  });
});
