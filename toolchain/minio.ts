/**
 * MinIO, a real S3-compatible server, for testing the S3 upload store on loopback. Built once from
 * the Go module proxy into the cache, like the Temporal CLI; each test starts its own throw-away
 * server on a free port with a temporary data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PARENT_WATCH_SHELL } from './parent-watch.js';
import { backgroundBuildLog } from './background-log.js';
import { BuildLock } from './build-lock.js';
import { cacheDir } from './paths.js';
import { freePort } from './ports.js';
import { ToolchainError, findOnPath, runWithProgress } from './run-command.js';

/**
 * MinIO publishes no semantic-version tags (its releases are `RELEASE.<date>` tags, which the module
 * proxy does not serve), so this pins the proxy's pseudo-version of a commit on master.
 */
const MINIO_VERSION = 'v0.0.0-20260212201848-7aac2a2c5b7c';
const MODULE = 'github.com/minio/minio';

const cachedBinary = path.join(cacheDir, `minio-${MINIO_VERSION}`, 'minio');

/** Held by whoever builds MinIO (a background build holds it from its start). */
export const minioLock = new BuildLock(`${path.dirname(cachedBinary)}.lock`, ' MinIO ', backgroundBuildLog);

/** `MINIO_PATH`, else a `minio` on PATH, else the cached build; undefined when none. */
export async function findMinio(): Promise<string | undefined> {
  const explicit = process.env.MINIO_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new ToolchainError(`MINIO_PATH 指向的文件不存在：${explicit}`);
    return explicit;
  }
  const onPath = await findOnPath('minio');
  if (onPath) return onPath;
  return existsSync(cachedBinary) ? cachedBinary : undefined;
}

export interface EnsureMinioOptions {
  /** How long to wait for a build another process is running (default 20 minutes). */
  waitMs?: number;
  log?: (line: string) => void;
  /** The caller already holds `minioLock` (the background build). */
  lockHeld?: boolean;
}

/** The MinIO binary, building it with Go (or waiting for the process that is building it) when missing. */
export async function ensureMinio(o: EnsureMinioOptions = {}): Promise<string> {
  const log = o.log ?? ((line: string) => process.stderr.write(`[toolchain] ${line}\n`));
  for (;;) {
    const found = await findMinio();
    if (found) return found;
    const go = await findOnPath('go');
    if (!go)
      throw new ToolchainError(
        '找不到 MinIO，也找不到用于构建它的 Go 工具链：请安装 Go ≥ 1.24，或设置 MINIO_PATH=/path/to/minio',
      );
    if (o.lockHeld || (await minioLock.take())) {
      try {
        return await build(go);
      } finally {
        await minioLock.release();
      }
    }
    await minioLock.waitForOther(o.waitMs ?? 20 * 60_000, log);
  }
}

async function build(go: string): Promise<string> {
  const staging = `${path.dirname(cachedBinary)}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await runWithProgress(
      `构建 MinIO（首次约 3–8 分钟，之后直接复用缓存）`,
      go,
      ['install', `${MODULE}@${MINIO_VERSION}`],
      {
        env: { ...process.env, GOBIN: staging, CGO_ENABLED: '0' },
      },
    );
    await mkdir(path.dirname(path.dirname(cachedBinary)), { recursive: true });
    if (!existsSync(cachedBinary)) await rename(staging, path.dirname(cachedBinary));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return cachedBinary;
}

export interface LocalS3 {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/** A fresh MinIO on 127.0.0.1 with its own credentials and empty data folder. */
export interface MinioOptions {
  startTimeoutMs?: number;
  /** A data folder that outlives the server (`npm run stack`); never removed by stop(). */
  dataDir?: string;
  port?: number;
  /** Its own process group (see startEphemeralPostgres); it still dies with this process. */
  ownProcessGroup?: boolean;
  /** Root credentials; fresh random ones when omitted. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export async function startMinio(options: MinioOptions = {}): Promise<LocalS3> {
  const binary = await ensureMinio();
  const persistent = options.dataDir !== undefined;
  const data = persistent
    ? path.resolve(options.dataDir!)
    : await mkdtemp(path.join(tmpdir(), 'campaign-minio-'));
  if (persistent) await mkdir(data, { recursive: true });
  const port = options.port ?? (await freePort());
  const accessKeyId = options.credentials?.accessKeyId ?? `test${process.pid}`;
  const secretAccessKey = options.credentials?.secretAccessKey ?? `secret-${process.pid}-${Date.now()}`;
  const env = {
    ...process.env,
    MINIO_ROOT_USER: accessKeyId,
    MINIO_ROOT_PASSWORD: secretAccessKey,
    MINIO_BROWSER: 'off',
    MINIO_UPDATE: 'off',
    MINIO_REGION: 'us-east-1',
  };
  // The shell wrapper ends MinIO if this Node process dies without running its teardown.
  const script = ['parent=$1; shift', 'self=$$', PARENT_WATCH_SHELL, 'exec "$@"'].join('\n');
  const child: ChildProcess = spawn(
    'sh',
    [
      '-c',
      script,
      'sh',
      String(process.pid),
      binary,
      'server',
      data,
      '--address',
      `127.0.0.1:${port}`,
      '--quiet',
    ],
    {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: options.ownProcessGroup ?? false,
    },
  );
  let recent = '';
  child.stderr?.on('data', (chunk: Buffer) => (recent = (recent + chunk.toString('utf8')).slice(-2000)));
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = `退出码 ${code ?? signal}`;
      resolve();
    }),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(kill);
    }
    if (!persistent) await rm(data, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (exited)
        throw new ToolchainError(
          `MinIO 启动失败（${exited}）：${recent.trim().split('\n').slice(-3).join(' / ')}`,
        );
      // Ready, not merely listening: the S3 API answers only once the drive is initialised.
      const ready = await fetch(`${endpoint}/minio/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new ToolchainError(`等待 MinIO 就绪超时（${endpoint}）`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, region: 'us-east-1', accessKeyId, secretAccessKey, stop };
}
