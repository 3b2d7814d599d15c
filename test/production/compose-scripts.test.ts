/**
 * The compose file's one-shot services, run for real without Docker: deploy/temporal/setup-schema.sh
 * (the admin-tools image's temporal-sql-tool, here the one `npm test` builds) on an empty
 * PostgreSQL, twice; then the server on that schema and deploy/temporal/create-namespace.sh (the
 * image's `temporal` CLI, here the toolchain's), twice. Both must succeed again on a ready cluster.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../../toolchain/paths.js';
import { startEphemeralPostgres, type EphemeralPostgres } from '../../toolchain/postgres.js';
import { startTemporalServer, type TemporalServerProcess } from '../../toolchain/temporal-cluster.js';
import { ensureTemporalCli } from '../../toolchain/temporal-cli.js';
import { ensureTemporalServer } from '../../toolchain/temporal-server.js';
import { customSearchAttributes } from '../../workflows/search-attributes.js';

let dir: string;
let postgres: EphemeralPostgres;
let server: TemporalServerProcess | undefined;
let bin: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'compose-scripts-'));
  await chmod(dir, 0o755);
  const [binaries, cli] = await Promise.all([ensureTemporalServer(), ensureTemporalCli()]);
  bin = path.join(dir, 'bin');
  await (await import('node:fs/promises')).mkdir(bin);
  await symlink(binaries.sqlTool, path.join(bin, 'temporal-sql-tool'));
  await symlink(cli, path.join(bin, 'temporal'));
  postgres = await startEphemeralPostgres();
}, 1_800_000);

afterAll(async () => {
  await server?.stop();
  await postgres?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function sh(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', [path.join(repoRoot, 'deploy', 'temporal', script)], {
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

it('setup-schema.sh creates and versions both databases, and is a no-op the second time', async () => {
  const port = new URL(postgres.url).port;
  const env = { POSTGRES_SEEDS: '127.0.0.1', DB_PORT: port, POSTGRES_USER: 'postgres', SQL_PASSWORD: '' };
  for (let run = 1; run <= 2; run++) {
    const r = await sh('setup-schema.sh', env);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('Temporal schema is up to date');
  }
  for (const db of ['temporal', 'temporal_visibility']) {
    const c = new pg.Client({ connectionString: postgres.url.replace(/\/postgres$/, `/${db}`) });
    await c.connect();
    const v = await c.query<{ curr_version: string }>('SELECT curr_version FROM schema_version');
    await c.end();
    expect(v.rows[0]?.curr_version).toMatch(/^\d+\.\d+$/);
  }
});

it('create-namespace.sh registers the namespace and every search attribute, and succeeds again on a ready cluster', async () => {
  server = await startTemporalServer({
    binaries: await ensureTemporalServer(),
    postgres: { host: '127.0.0.1', port: Number(new URL(postgres.url).port), user: 'postgres' },
    dir: path.join(dir, 'server'),
  });
  for (let run = 1; run <= 2; run++) {
    const r = await sh('create-namespace.sh', {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      HOME: dir,
    });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('namespace default and its search attributes are ready');
  }
  const c = await Connection.connect({ address: server.address });
  try {
    const { customAttributes } = await c.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(customAttributes ?? {}).sort()).toEqual(Object.keys(customSearchAttributes).sort());
  } finally {
    await c.close();
  }
});
