/**
 * The real Temporal server (`go.temporal.io/server`, the binary production runs) and its schema tool
 * `temporal-sql-tool`, built once with `go install` into the cache like the CLI. Only the
 * production-shaped steps need them (`npm run stack`, the `production` test project), so `npm test`
 * starts this build in the background at low priority and the production tests wait for it.
 *
 * Builds from different processes do not race: the builder holds `<dir>.lock` (its pid), and anyone
 * else who needs the binaries waits for it instead of starting a second build.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cacheDir, repoRoot } from './paths.js';
import { ToolchainError, findOnPath, runWithProgress } from './run-command.js';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';

const temporalServerDir = path.join(cacheDir, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
const lockFile = `${temporalServerDir}.lock`;
/** Where a background build writes its output (shown if a waiting step gives up). */
export const temporalServerBuildLog = `${temporalServerDir}.build.log`;

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
}

const cached = (): TemporalServerBinaries => ({
  server: path.join(temporalServerDir, 'temporal-server'),
  sqlTool: path.join(temporalServerDir, 'temporal-sql-tool'),
});

/** `TEMPORAL_SERVER_PATH` + `TEMPORAL_SQL_TOOL_PATH`, else both on PATH, else the cache; undefined if none. */
async function findTemporalServer(): Promise<TemporalServerBinaries | undefined> {
  const server = process.env.TEMPORAL_SERVER_PATH;
  const sqlTool = process.env.TEMPORAL_SQL_TOOL_PATH;
  if (server || sqlTool) {
    for (const [name, file] of [
      ['TEMPORAL_SERVER_PATH', server],
      ['TEMPORAL_SQL_TOOL_PATH', sqlTool],
    ] as const) {
      if (!file)
        throw new ToolchainError(
          `设置了 ${name === 'TEMPORAL_SERVER_PATH' ? 'TEMPORAL_SQL_TOOL_PATH' : 'TEMPORAL_SERVER_PATH'}，还须设置 ${name}`,
        );
      if (!existsSync(file)) throw new ToolchainError(`${name} 指向的文件不存在：${file}`);
    }
    return { server: server!, sqlTool: sqlTool! };
  }
  const [onPathServer, onPathTool] = await Promise.all([
    findOnPath('temporal-server'),
    findOnPath('temporal-sql-tool'),
  ]);
  if (onPathServer && onPathTool) return { server: onPathServer, sqlTool: onPathTool };
  const c = cached();
  return existsSync(c.server) && existsSync(c.sqlTool) ? c : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the build lock; false when a live process holds it. A dead holder's lock is taken over. */
async function takeLock(): Promise<boolean> {
  await mkdir(path.dirname(lockFile), { recursive: true });
  for (let i = 0; i < 2; i++) {
    try {
      closeSync(openSync(lockFile, 'wx'));
      await writeFile(lockFile, String(process.pid));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
    // Just created by another process and not yet written: that process is alive.
    if (!holder) return false;
    if (alive(holder)) return false;
    await rm(lockFile, { force: true });
  }
  return false;
}

async function waitForOtherBuild(timeoutMs: number, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  let lastNote = 0;
  for (;;) {
    const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
    if (!existsSync(lockFile) || (holder && !alive(holder))) return;
    const waited = Date.now() - started;
    if (waited > timeoutMs) {
      throw new ToolchainError(
        `等待另一个进程（${holder}）构建 Temporal 服务器超时（${Math.round(timeoutMs / 1000)} 秒）；构建输出见 ${temporalServerBuildLog}`,
      );
    }
    if (waited - lastNote >= 30_000) {
      lastNote = waited;
      log(
        `另一个进程（${holder}）正在构建 Temporal 服务器 ${TEMPORAL_SERVER_VERSION}，已等待 ${Math.round(waited / 1000)} 秒`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function build(go: string): Promise<TemporalServerBinaries> {
  const staging = `${temporalServerDir}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    // One `go install` for both: the packages they share compile once.
    await runWithProgress(
      `构建 Temporal 服务器 ${TEMPORAL_SERVER_VERSION} 与 temporal-sql-tool（首次约 4–11 分钟，之后直接复用缓存）`,
      go,
      [
        'install',
        `${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
        `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
      ],
      { env: { ...process.env, GOBIN: staging, CGO_ENABLED: '0' } },
    );
    await rename(path.join(staging, 'server'), path.join(staging, 'temporal-server'));
    await rename(path.join(staging, 'sql'), path.join(staging, 'temporal-sql-tool'));
    if (!existsSync(cached().server)) {
      await rm(temporalServerDir, { recursive: true, force: true });
      await rename(staging, temporalServerDir);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return cached();
}

export interface EnsureOptions {
  /** How long to wait for a build another process is running (default 30 minutes). */
  waitMs?: number;
  log?: (line: string) => void;
}

/** The binaries, building them (or waiting for the process that is building them) when missing. */
export async function ensureTemporalServer(o: EnsureOptions = {}): Promise<TemporalServerBinaries> {
  const log = o.log ?? ((line: string) => process.stderr.write(`[toolchain] ${line}\n`));
  for (;;) {
    const found = await findTemporalServer();
    if (found) return found;
    const go = await findOnPath('go');
    if (!go) {
      throw new ToolchainError(
        [
          '找不到 Temporal 服务器（temporal-server、temporal-sql-tool），也找不到用于构建它们的 Go 工具链。任选其一：',
          '  1. 安装 Go ≥ 1.25（https://go.dev/dl/ 或 `apt-get install golang`），再次运行即可自动构建；',
          '  2. 把两个程序放到 PATH 上，或设置 TEMPORAL_SERVER_PATH 与 TEMPORAL_SQL_TOOL_PATH。',
        ].join('\n'),
      );
    }
    if (await takeLock()) {
      try {
        return await build(go);
      } finally {
        await rm(lockFile, { force: true });
      }
    }
    await waitForOtherBuild(o.waitMs ?? 30 * 60_000, log);
  }
}

/**
 * Starts the build in a detached, low-priority process (its output in `temporalServerBuildLog`) and
 * returns at once; false when nothing needed building. `npm test` uses it so the build overlaps the
 * tests that do not need the server; `nice` keeps those tests ahead of the compiler.
 */
export async function startBackgroundBuild(): Promise<boolean> {
  if (await findTemporalServer()) return false;
  if (existsSync(lockFile)) {
    const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
    if (!holder || alive(holder)) return true;
  }
  await mkdir(path.dirname(temporalServerBuildLog), { recursive: true });
  const out = openSync(temporalServerBuildLog, 'w');
  const nice = await findOnPath('nice');
  const node = [
    process.execPath,
    '--import',
    'tsx',
    path.join(repoRoot, 'toolchain', 'build-temporal-server.ts'),
  ];
  const argv = nice ? [nice, '-n', '19', ...node] : node;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', out, out],
    env: process.env,
  });
  child.unref();
  closeSync(out);
  return true;
}
