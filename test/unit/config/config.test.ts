import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadEnvFile } from '../../../config/environment.js';
import { loadConfig } from '../../../config/settings.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function dirWith(envText?: string): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'config-'));
  dirs.push(d);
  if (envText !== undefined) await writeFile(path.join(d, '.env'), envText);
  return d;
}

describe('.env file', () => {
  it('fills in what the environment leaves unset; the environment wins', async () => {
    const cwd = await dirWith(
      'TEMPORAL_ADDRESS=temporal:7233\nAPI_PORT=9090\n# a comment\nNOTIFY_OFFICE_NAME="区 活动办"\nEMPTY=\n',
    );
    const env: NodeJS.ProcessEnv = { API_PORT: '8081' };
    const r = loadEnvFile({ env, cwd, reload: true });
    expect(r.file).toBe(path.join(cwd, '.env'));
    expect(r.applied.sort()).toEqual(['EMPTY', 'NOTIFY_OFFICE_NAME', 'TEMPORAL_ADDRESS']);
    expect(env).toMatchObject({
      API_PORT: '8081',
      TEMPORAL_ADDRESS: 'temporal:7233',
      NOTIFY_OFFICE_NAME: '区 活动办',
    });
  });

  it('a missing default file is fine; a missing named file is an error naming the variable', async () => {
    const cwd = await dirWith();
    expect(loadEnvFile({ env: {}, cwd, reload: true })).toEqual({ applied: [] });
    expect(() => loadEnvFile({ env: { CAMPAIGN_ENV_FILE: 'prod.env' }, cwd, reload: true })).toThrow(
      /CAMPAIGN_ENV_FILE：找不到配置文件/,
    );
  });
});

describe('configuration sections', () => {
  it('gives defaults, treats empty values as unset, and types what it reads', () => {
    const c = loadConfig(['temporal', 'api', 'worker', 'database'], {
      API_PORT: '9000',
      DATABASE_URL: '',
      WORKER_SHUTDOWN_GRACE_SECONDS: '45',
      API_SERVE_CONSOLE: 'false',
    });
    expect(c.temporal).toEqual({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      CAMPAIGN_TASK_QUEUE: 'campaign',
    });
    expect(c.api.API_PORT).toBe(9000);
    expect(c.api.API_SERVE_CONSOLE).toBe(false);
    expect(c.worker.WORKER_SHUTDOWN_GRACE_SECONDS).toBe(45);
    expect(c.database.DATABASE_URL).toBeUndefined();
  });

  it('reports every problem of every section at once, each naming its variable in Chinese', () => {
    let err: unknown;
    try {
      loadConfig(['api', 'worker', 'database'], {
        API_PORT: '80800',
        WORKER_HTTP_PORT: 'abc',
        DATABASE_URL: 'mysql://x',
        API_SERVE_CONSOLE: 'maybe',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'API_PORT：应为 1–65535 的端口号',
      'API_SERVE_CONSOLE：只能是 true 或 false',
      'WORKER_HTTP_PORT：应为 1–65535 的端口号',
      'DATABASE_URL：应为 postgres:// 开头的连接串',
    ]);
  });
});
