import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { customSearchAttributes } from '../workflows/search-attributes.js';
import { PARENT_WATCH_SHELL } from './parent-watch.js';
import { freePort, waitForPort } from './ports.js';
import { ToolchainError } from './run-command.js';
import { ensureTemporalCli } from './temporal-cli.js';

export interface DevServer {
  /** host:port of the frontend gRPC service. */
  address: string;
  /** Web UI, when started with one. */
  uiUrl?: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  port?: number;
  /** Omit for a headless server (tests). */
  uiPort?: number;
  /** SQLite file for state that survives restarts (the demo); in-memory when omitted (tests). */
  dbFile?: string;
  /** Forwarded server log lines (errors only). */
  onLog?: (line: string) => void;
}

/**
 * Starts `temporal server start-dev` on loopback with the project's search attributes registered.
 * The process is wrapped so it dies with the Node process that started it, even on SIGKILL.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const binary = await ensureTemporalCli();
  const port = options.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    await mkdir(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const [name, type] of Object.entries(customSearchAttributes)) {
    args.push('--search-attribute', `${name}=${type}`);
  }

  const child = spawnTiedToParent(binary, args);
  let exited = false;
  let exitInfo = '';
  const exitPromise = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = true;
      exitInfo = `退出码 ${code ?? signal}`;
      resolve();
    }),
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) options.onLog?.(line);
  });

  try {
    await Promise.race([
      waitForPort(port, 60_000),
      exitPromise.then(() => {
        throw new ToolchainError(`Temporal 开发服务器启动失败（${exitInfo}）`);
      }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  return {
    address: `127.0.0.1:${port}`,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

/**
 * `sh` starts a watcher that ends the server when our process goes away, then `exec`s the server
 * so signals we send reach it directly.
 */
function spawnTiedToParent(binary: string, args: string[]): ChildProcess {
  const script = ['parent=$1; shift', 'self=$$', PARENT_WATCH_SHELL, 'exec "$@"'].join('\n');
  // Its own process group: Ctrl-C in a terminal reaches only us, so we stop the worker before the
  // server it talks to. If we die instead, the watcher ends the server.
  return spawn('sh', ['-c', script, 'sh', String(process.pid), binary, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
}
