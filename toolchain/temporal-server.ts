/**
 * The real Temporal server (`go.temporal.io/server`, the binary production runs) and its schema tool
 * `temporal-sql-tool`, built once with `go install` into the cache like the CLI. Only the
 * production-shaped steps need them (`npm run stack`, the `production` test project), so `npm test`
 * starts this build in the background at low priority and the production tests wait for it.
 *
 * Builds from different processes do not race (toolchain/build-lock.ts); toolchain/background-build.ts
 * starts the background build.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { backgroundBuildLog } from './background-log.js';
import { BuildLock } from './build-lock.js';
import { cacheDir } from './paths.js';
import { ToolchainError, findOnPath, runWithProgress } from './run-command.js';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';

const temporalServerDir = path.join(cacheDir, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
/** Where a background build writes its output (shown if a waiting step gives up). */
/** Held by whoever builds the server (a background build holds it from its start). */
export const temporalServerLock = new BuildLock(
  `${temporalServerDir}.lock`,
  ` Temporal 服务器 ${TEMPORAL_SERVER_VERSION} `,
  backgroundBuildLog,
);

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
}

const cached = (): TemporalServerBinaries => ({
  server: path.join(temporalServerDir, 'temporal-server'),
  sqlTool: path.join(temporalServerDir, 'temporal-sql-tool'),
});

/** `TEMPORAL_SERVER_PATH` + `TEMPORAL_SQL_TOOL_PATH`, else both on PATH, else the cache; undefined if none. */
export async function findTemporalServer(): Promise<TemporalServerBinaries | undefined> {
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
  /** The caller already holds `temporalServerLock` (the background build). */
  lockHeld?: boolean;
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
    if (o.lockHeld || (await temporalServerLock.take())) {
      try {
        return await build(go);
      } finally {
        await temporalServerLock.release();
      }
    }
    await temporalServerLock.waitForOther(o.waitMs ?? 30 * 60_000, log);
  }
}
