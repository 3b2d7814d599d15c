/**
 * The production shape of Temporal on one machine: the real server (all four services in one
 * process) on PostgreSQL with SQL visibility (`postgres12`), its schema set up by temporal-sql-tool
 * as the compose file's admin-tools step does, the namespace and the project's search attributes
 * registered as its create-namespace step does. Used by `npm run stack` and the production tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import pg from 'pg';
import YAML from 'yaml';
import { customSearchAttributes } from '../workflows/search-attributes.js';
import { PARENT_WATCH_SHELL } from './parent-watch.js';
import { repoRoot } from './paths.js';
import { waitForPort } from './ports.js';
import { ToolchainError } from './run-command.js';
import type { TemporalServerBinaries } from './temporal-server.js';

/** The dynamic config the compose file mounts into the server image; the stack uses the same file. */
const dynamicConfigFile = path.join(repoRoot, 'deploy', 'temporal', 'dynamicconfig.yaml');

export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password?: string;
}

const TEMPORAL_DATABASES = { main: 'temporal', visibility: 'temporal_visibility' } as const;
const EMBEDDED_SCHEMAS = {
  main: 'postgresql/v12/temporal',
  visibility: 'postgresql/v12/visibility',
} as const;

function run(argv: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: env ?? process.env,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(out)
        : reject(
            new ToolchainError(
              `${path.basename(argv[0]!)} ${argv
                .slice(1)
                .filter((a) => !a.startsWith('--pw'))
                .join(' ')} 失败（退出码 ${code}）：${out.trim().split('\n').slice(-3).join(' / ')}`,
            ),
          ),
    );
  });
}

async function query<T extends pg.QueryResultRow>(
  target: PostgresTarget,
  database: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database,
  });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Creates both databases if missing and brings their schemas to the binary's version:
 * `create-database`, `setup-schema -v 0.0` (first time only), `update-schema` from the schema the
 * tool embeds. Safe to run on every start; an up-to-date schema is left as it is.
 */
export async function setupTemporalSchema(
  bins: TemporalServerBinaries,
  target: PostgresTarget,
  log: (line: string) => void = () => {},
): Promise<void> {
  const common = [
    '--plugin',
    'postgres12',
    '--ep',
    target.host,
    '-p',
    String(target.port),
    '-u',
    target.user,
  ];
  const env = { ...process.env, SQL_PASSWORD: target.password ?? '' };
  for (const kind of ['main', 'visibility'] as const) {
    const db = TEMPORAL_DATABASES[kind];
    const exists = await query(target, 'postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [db]);
    if (exists.length === 0) await run([bins.sqlTool, ...common, '--db', db, 'create-database'], env);
    const versioned = await query(target, db, `SELECT to_regclass('schema_version') IS NOT NULL AS present`);
    if (!versioned[0]?.present)
      await run([bins.sqlTool, ...common, '--db', db, 'setup-schema', '-v', '0.0'], env);
    await run(
      [bins.sqlTool, ...common, '--db', db, 'update-schema', '--schema-name', EMBEDDED_SCHEMAS[kind]],
      env,
    );
    const [v] = await query<{ curr_version: string }>(target, db, 'SELECT curr_version FROM schema_version');
    log(`数据库 ${db} 的 Temporal 表结构版本：${v?.curr_version ?? '?'}`);
  }
}

export interface ServerPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  metrics: number;
}

/**
 * Free loopback ports below 32768: the cluster_membership table keeps ports as `smallint`, and the
 * OS hands out ephemeral ports above that.
 */
export async function freeLowPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) {
      taken.add(port);
      return port;
    }
  }
  throw new ToolchainError('找不到 20000–32000 之间的空闲端口');
}

async function allocateServerPorts(frontend?: number): Promise<ServerPorts> {
  const taken = new Set<number>(frontend ? [frontend] : []);
  const next = () => freeLowPort(taken);
  return {
    frontend: frontend ?? (await next()),
    frontendHttp: await next(),
    frontendMembership: await next(),
    history: await next(),
    historyMembership: await next(),
    matching: await next(),
    matchingMembership: await next(),
    worker: await next(),
    workerMembership: await next(),
    metrics: await next(),
  };
}

/** The server's static config: PostgreSQL persistence and SQL visibility, every service on loopback. */
function serverConfig(
  target: PostgresTarget,
  ports: ServerPorts,
  o: { numHistoryShards?: number; logLevel?: string } = {},
): string {
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${target.host}:${target.port}`,
      connectProtocol: 'tcp',
      user: target.user,
      password: target.password ?? '',
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  return YAML.stringify({
    log: { stdout: true, level: o.logLevel ?? 'warn' },
    persistence: {
      // Fixed for the life of the database: a cluster's shard count cannot change later.
      numHistoryShards: o.numHistoryShards ?? 4,
      defaultStore: 'default',
      visibilityStore: 'visibility',
      datastores: {
        default: datastore(TEMPORAL_DATABASES.main, 20),
        visibility: datastore(TEMPORAL_DATABASES.visibility, 10),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: {
        prometheus: {
          framework: 'tally',
          timerType: 'histogram',
          listenAddress: `127.0.0.1:${ports.metrics}`,
        },
      },
    },
    services: {
      frontend: service(ports.frontend, ports.frontendMembership, { httpPort: ports.frontendHttp }),
      history: service(ports.history, ports.historyMembership),
      matching: service(ports.matching, ports.matchingMembership),
      worker: service(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.frontend}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  });
}

export interface TemporalServerProcess {
  address: string;
  ports: ServerPorts;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  binaries: TemporalServerBinaries;
  postgres: PostgresTarget;
  /** Folder for the rendered config (`config/production.yaml`). */
  dir: string;
  /** Frontend gRPC port; a free one when omitted. */
  port?: number;
  /** Ends the server when this Node process dies (tests); a supervisor that restarts it passes false. */
  tieToParent?: boolean;
  onLog?: (line: string) => void;
  startTimeoutMs?: number;
}

/** `temporal-server --env production start`, waiting until the frontend accepts connections. */
export async function startTemporalServer(o: StartServerOptions): Promise<TemporalServerProcess> {
  const ports = await allocateServerPorts(o.port);
  const configDir = path.join(o.dir, 'config');
  await mkdir(configDir, { recursive: true });
  await writeFile(path.join(configDir, 'production.yaml'), serverConfig(o.postgres, ports), { mode: 0o600 });
  const argv = [
    o.binaries.server,
    '--root',
    o.dir,
    '--config',
    'config',
    '--env',
    'production',
    '--allow-no-auth',
    'start',
  ];
  // Its own process group: a Ctrl-C in the terminal reaches only the supervisor, which stops the
  // workers before the server they talk to.
  const child =
    o.tieToParent === false
      ? spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      : spawn(
          'sh',
          [
            '-c',
            ['parent=$1; shift', 'self=$$', PARENT_WATCH_SHELL, 'exec "$@"'].join('\n'),
            'sh',
            String(process.pid),
            ...argv,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
        );
  let recent = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    recent = (recent + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim()) o.onLog?.(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exitInfo: string | undefined;
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => {
      exitInfo = `退出码 ${code ?? signal}`;
      resolve(exitInfo);
    }),
  );
  const stop = async () => {
    if (exitInfo !== undefined) return;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(kill);
  };
  try {
    await Promise.race([
      waitForPort(ports.frontend, o.startTimeoutMs ?? 90_000),
      exited.then((why) => {
        throw new ToolchainError(
          `Temporal 服务器启动失败（${why}）：${recent.trim().split('\n').slice(-4).join(' / ')}`,
        );
      }),
    ]);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return { address: `127.0.0.1:${ports.frontend}`, ports, child, exited, stop };
}

/** temporal.api.enums.v1.IndexedValueType (a CommonJS enum the ESM loader cannot name). */
const INDEXED: Record<'Keyword' | 'Int', number> = { Keyword: 2, Int: 3 };

const grpcCode = (e: unknown): number | undefined => (e as { code?: number }).code;
const ALREADY_EXISTS = 6;

/**
 * Registers the namespace (retention in days) and the project's custom search attributes, then
 * waits until the frontend answers with them: what the compose file's create-namespace step does.
 * Idempotent.
 */
export async function prepareNamespace(
  address: string,
  namespace: string,
  o: { retentionDays?: number; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  const connection = await Connection.connect({ address, connectTimeout: '10 seconds' });
  try {
    // The frontend accepts connections a moment before its namespace registry is ready.
    for (;;) {
      try {
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs(`${o.retentionDays ?? 30} days`),
        });
        break;
      } catch (e) {
        if (grpcCode(e) === ALREADY_EXISTS) break;
        if (Date.now() > deadline)
          throw new ToolchainError(`注册命名空间 ${namespace} 失败：${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const wanted = Object.entries(customSearchAttributes);
    for (;;) {
      try {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = wanted.filter(([name]) => !customAttributes?.[name]);
        if (missing.length === 0) return;
        await connection.operatorService.addSearchAttributes({
          namespace,
          searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED[type]])),
        });
      } catch (e) {
        if (grpcCode(e) !== ALREADY_EXISTS && Date.now() > deadline)
          throw new ToolchainError(`注册自定义搜索属性失败：${(e as Error).message}`);
      }
      if (Date.now() > deadline)
        throw new ToolchainError(`等待命名空间 ${namespace} 的自定义搜索属性生效超时`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await connection.close();
  }
}
