import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { cacheDir } from './paths.js';
import { ToolchainError, findOnPath, runWithProgress } from './run-command.js';

/**
 * Pinned Temporal CLI (its `server start-dev` is the dev server). Later tags carry a `replace`
 * directive that `go install` refuses, so this is the newest one that builds from the module proxy.
 */
const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';

const cachedBinary = path.join(cacheDir, `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');

/**
 * Returns a path to a `temporal` binary: `TEMPORAL_CLI_PATH`, else one on PATH, else the cached
 * build, else builds it with Go (minutes on first run, then reused).
 */
export async function ensureTemporalCli(): Promise<string> {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new ToolchainError(`TEMPORAL_CLI_PATH 指向的文件不存在：${explicit}`);
    return explicit;
  }
  const onPath = await findOnPath('temporal');
  if (onPath) return onPath;
  if (existsSync(cachedBinary)) return cachedBinary;

  const go = await findOnPath('go');
  if (!go) {
    throw new ToolchainError(
      [
        '找不到 Temporal 开发服务器，也找不到用于构建它的 Go 工具链。任选其一：',
        '  1. 安装 Go ≥ 1.23（https://go.dev/dl/ 或 `apt-get install golang`），再次运行即可自动构建；',
        '  2. 把已有的 `temporal` 命令放到 PATH 上，或设置 TEMPORAL_CLI_PATH=/path/to/temporal；',
        '  3. 设置 TEMPORAL_ADDRESS=host:7233，使用已有的 Temporal 集群（需已注册本项目的自定义搜索属性，见 README）。',
      ].join('\n'),
    );
  }
  const staging = `${path.dirname(cachedBinary)}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await runWithProgress(
      `构建 Temporal CLI ${TEMPORAL_CLI_VERSION}（首次约 3–6 分钟，之后直接复用缓存）`,
      go,
      ['install', `${MODULE}@${TEMPORAL_CLI_VERSION}`],
      { env: { ...process.env, GOBIN: staging, CGO_ENABLED: '0' } },
    );
    await mkdir(path.dirname(path.dirname(cachedBinary)), { recursive: true });
    // Another process may have finished first; either copy is equally good.
    if (!existsSync(cachedBinary)) await rename(staging, path.dirname(cachedBinary));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return cachedBinary;
}
