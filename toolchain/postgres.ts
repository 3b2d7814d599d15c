/**
 * A throwaway PostgreSQL server for tests: the machine's own `initdb` and `postgres` binaries, a
 * fresh data directory under the temp dir, trust auth on a free loopback port, no Unix socket.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user (or `nobody`)
 * through `setpriv`. The server dies with the Node process that started it, even on SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, chmod, chown, constants, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PARENT_WATCH_SHELL } from './parent-watch.js';
import { freePort } from './ports.js';
import { findOnPath, ToolchainError } from './run-command.js';

export interface EphemeralPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** A new empty database on the same server (tests that each need a clean schema). */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

export interface EphemeralPostgresOptions {
  /** Forwarded server log lines (warnings and errors). */
  onLog?: (line: string) => void;
  /** Milliseconds to wait for the server to accept connections (default 30 s). */
  startTimeoutMs?: number;
  /** Keep PostgreSQL's production durability (fsync, synchronous commit): for benchmarks, not tests. */
  durable?: boolean;
  /**
   * A data folder that outlives the server (`npm run stack`): created by initdb the first time,
   * reused afterwards, never removed by stop(). Without it a throw-away folder under the temp dir.
   */
  dataDir?: string;
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /**
   * Its own process group, so a Ctrl-C in the terminal reaches only the supervisor, which stops the
   * database last (`npm run stack`). It still dies with this process.
   */
  ownProcessGroup?: boolean;
  /** Extra server settings (`-c name=value`), e.g. max_connections for many client processes. */
  settings?: Record<string, string | number>;
}

const SUPERUSER = 'postgres';

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `PG_BIN`, then PATH, then Debian's /usr/lib/postgresql/<version>/bin (newest first). */
async function findPostgresBinDir(): Promise<string | undefined> {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const onPath = await findOnPath('initdb');
  if (onPath) candidates.push(path.dirname(onPath));
  try {
    const versions = (await readdir('/usr/lib/postgresql'))
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // no Debian-style installation
  }
  for (const dir of candidates) {
    if ((await isExecutable(path.join(dir, 'initdb'))) && (await isExecutable(path.join(dir, 'postgres'))))
      return dir;
  }
  return undefined;
}

/** The account to run as when we are root: `postgres` if the system has one, else `nobody`. */
async function unprivilegedAccount(): Promise<{ uid: number; gid: number; name: string }> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entries = passwd.split('\n').map((l) => l.split(':'));
  for (const name of ['postgres', 'nobody']) {
    const e = entries.find((f) => f[0] === name);
    if (e && e[2] !== undefined && e[3] !== undefined) return { name, uid: Number(e[2]), gid: Number(e[3]) };
  }
  throw new ToolchainError('以 root 运行时需要 postgres 或 nobody 账户来启动 PostgreSQL，但系统中都没有');
}

/** argv prefix that drops root privileges, or nothing when we are not root. */
async function dropPrivileges(): Promise<{ prefix: string[]; owner?: { uid: number; gid: number } }> {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const setpriv = await findOnPath('setpriv');
  if (!setpriv)
    throw new ToolchainError('以 root 运行时需要 setpriv（util-linux）来以普通用户启动 PostgreSQL');
  const acct = await unprivilegedAccount();
  return {
    prefix: [setpriv, `--reuid=${acct.uid}`, `--regid=${acct.gid}`, '--clear-groups', '--'],
    owner: { uid: acct.uid, gid: acct.gid },
  };
}

function run(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd ?? '', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

function spawnTiedToParent(argv: string[], env: NodeJS.ProcessEnv, detached = false): ChildProcess {
  const script = ['parent=$1; shift', 'self=$$', PARENT_WATCH_SHELL, 'exec "$@"'].join('\n');
  return spawn('sh', ['-c', script, 'sh', String(process.pid), ...argv], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached,
  });
}

async function waitUntilAccepting(
  url: string,
  timeoutMs: number,
  exited: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = exited();
    if (why) throw new ToolchainError(`PostgreSQL 启动失败（${why}）`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new ToolchainError(`等待 PostgreSQL 接受连接超时（${timeoutMs} ms）`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startEphemeralPostgres(
  options: EphemeralPostgresOptions = {},
): Promise<EphemeralPostgres> {
  const bin = await findPostgresBinDir();
  if (!bin) {
    throw new ToolchainError(
      '找不到 PostgreSQL 程序（initdb、postgres）：请安装 Debian 的 postgresql 软件包，或用 PG_BIN 指定其 bin 目录',
    );
  }
  const { prefix, owner } = await dropPrivileges();
  const persistent = options.dataDir !== undefined;
  const root = persistent
    ? path.resolve(options.dataDir!)
    : await mkdtemp(path.join(tmpdir(), 'campaign-pg-'));
  const data = path.join(root, 'data');
  const removeRoot = () => (persistent ? Promise.resolve() : rm(root, { recursive: true, force: true }));
  // LC_ALL=C: initdb otherwise inherits whatever locale the CI image lacks and fails.
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  let child: ChildProcess | undefined;
  try {
    await mkdir(root, { recursive: true });
    if (owner) {
      await chown(root, owner.uid, owner.gid);
      await chmod(root, 0o700);
    }
    if (!existsSync(path.join(data, 'PG_VERSION'))) {
      const init = await run(
        [
          ...prefix,
          path.join(bin, 'initdb'),
          '-D',
          data,
          '-U',
          SUPERUSER,
          '--auth=trust',
          '--encoding=UTF8',
          '--no-locale',
          '--no-sync',
        ],
        env,
      );
      if (init.code !== 0)
        throw new ToolchainError(
          `initdb 失败（退出码 ${init.code}）：${init.output.trim().split('\n').slice(-3).join(' / ')}`,
        );
    }

    const port = options.port ?? (await freePort());
    child = spawnTiedToParent(
      [
        ...prefix,
        path.join(bin, 'postgres'),
        '-D',
        data,
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-k',
        '',
        // A test server: durability is not the point, speed is (unless a benchmark asks for it).
        ...(options.durable
          ? []
          : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
        '-c',
        'log_min_messages=warning',
        ...Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
      ],
      env,
      options.ownProcessGroup,
    );
    let exitInfo: string | undefined;
    const exitPromise = new Promise<void>((resolve) =>
      child?.on('exit', (code, signal) => {
        exitInfo = `退出码 ${code ?? signal}`;
        resolve();
      }),
    );
    let recent = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      recent = (recent + text).slice(-2000);
      for (const line of text.split('\n')) if (line.trim()) options.onLog?.(line);
    });

    const url = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
    await waitUntilAccepting(url, options.startTimeoutMs ?? 30_000, () =>
      exitInfo ? `${exitInfo}：${recent.trim().split('\n').slice(-2).join(' / ')}` : undefined,
    );

    let counter = 0;
    const server = child;
    return {
      url,
      async createDatabase() {
        const name = `t${process.pid}_${++counter}`;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        try {
          await admin.query(`CREATE DATABASE ${name}`);
        } finally {
          await admin.end();
        }
        return `postgres://${SUPERUSER}@127.0.0.1:${port}/${name}`;
      },
      async stop() {
        if (exitInfo === undefined) {
          // "Smart" shutdown (SIGTERM) lets clients that are closing finish, so they are not sent a
          // FATAL 57P01 they would report as an error; "fast" (SIGINT) if one lingers, then KILL.
          server.kill('SIGTERM');
          const fast = setTimeout(() => server.kill('SIGINT'), 3_000);
          const kill = setTimeout(() => server.kill('SIGKILL'), 13_000);
          await exitPromise;
          clearTimeout(fast);
          clearTimeout(kill);
        }
        await removeRoot();
      },
    };
  } catch (err) {
    child?.kill('SIGKILL');
    await removeRoot().catch(() => undefined);
    throw err;
  }
}
