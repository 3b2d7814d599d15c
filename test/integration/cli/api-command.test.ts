/**
 * `campaign api` as an office runs it: a separate process on the shared dev server, listening on
 * 127.0.0.1, answering real HTTP with token checks, and leaving cleanly (status 0) on Ctrl-C.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueTokens, writeTokenFiles } from '../../../client/api/tokens.js';
import { loadOfficeFile } from '../../../app/people.js';
import { parseRosterFile } from '../../../domain/roster/parse-file.js';
import { freePort } from '../../../toolchain/ports.js';
import { uniqueName } from '../../support/unique.js';
import { FIXTURES, GROUPS, UNITS } from './harness.js';
import { spawnCli, type RunningCli } from './spawn-cli.js';

let tmp: string;
let tokensFile: string;
let campaign: string;
let token: Record<string, string>;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'api-command-'));
  campaign = uniqueName('apicmd');
  const office = await loadOfficeFile(path.join(FIXTURES, 'office.yaml'));
  if (!office.ok) throw new Error(office.errors.join());
  const roster = await parseRosterFile(UNITS, { groupsPath: GROUPS, channels: ['email'] });
  const issued = issueTokens(campaign, roster.units, office.office);
  token = Object.fromEntries(issued.issued.map((t) => [t.personId, t.token]));
  tokensFile = path.join(tmp, 'tokens.json');
  await writeTokenFiles(issued.store, issued.issued, tokensFile, path.join(tmp, 'handout.csv'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean, r: RunningCli, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (r.child.exitCode !== null) throw new Error(`process ended before ${what}: ${r.stderr()}`);
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; stdout: ${r.stdout()} stderr: ${r.stderr()}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe('campaign api', () => {
  it('serves authenticated requests on 127.0.0.1, refuses the others, and stops cleanly on SIGINT', async () => {
    const port = await freePort();
    const uploads = path.join(tmp, 'uploads');
    const r = spawnCli(['api', '--tokens', tokensFile, '--port', String(port), '--uploads', uploads]);
    try {
      await until('the listening message', () => r.stdout().includes('API 已启动'), r);
      expect(r.stdout()).toContain(
        `API 已启动：http://127.0.0.1:${port}（文档 /openapi.json；上传文件存放于本地目录 ${uploads}）`,
      );
      const url = `http://127.0.0.1:${port}`;

      const me = await fetch(`${url}/api/me`, {
        headers: { authorization: `Bearer ${token['T01-liaison']}` },
      });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({
        personId: 'T01-liaison',
        role: 'unit',
        unitId: 'T01',
        campaignId: campaign,
        units: ['T01'],
      });

      // A unit's token never reaches another unit; no token at all is a 401.
      const other = await fetch(`${url}/api/campaigns/${campaign}/units/T02`, {
        headers: { authorization: `Bearer ${token['T01-liaison']}` },
      });
      expect(other.status).toBe(403);
      expect(((await other.json()) as { message: string }).message).toMatch(/[\u4e00-\u9fff]/);
      const anonymous = await fetch(`${url}/api/me`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({
        message: '请提供令牌：请求头 Authorization: Bearer <令牌>',
      });
    } finally {
      r.child.kill('SIGINT');
    }
    const { code, signal } = await r.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(r.stdout()).toContain('API 已停止');
    // Nothing listens any more.
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('refuses to start with a bad UPLOAD_S3_* configuration, naming each variable', async () => {
    const r = spawnCli(['api', '--tokens', tokensFile, '--port', String(await freePort())], {
      UPLOAD_S3_BUCKET: 'Campaign_Files',
      UPLOAD_S3_ACCESS_KEY_ID: 'AK',
    });
    const { code } = await r.exited;
    expect(code).toBe(1);
    expect(r.stderr()).toContain('上传文件存储配置有误');
    expect(r.stderr()).toContain('UPLOAD_S3_BUCKET：存储桶名只能是');
    expect(r.stderr()).toContain('UPLOAD_S3_SECRET_ACCESS_KEY：已填写 UPLOAD_S3_ACCESS_KEY_ID');
    expect(r.stdout()).not.toContain('API 已启动');
  });
});
