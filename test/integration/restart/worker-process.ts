/**
 * The production worker (worker/main.ts on a prebundled workflow file) as a child process that the
 * restart test kills and starts again. Every stop is recorded as a gap: from the signal to the
 * moment the next process says it polls, which is what "on time" is measured against.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from '../../../toolchain/paths.js';
import { freePort } from '../../../toolchain/ports.js';

export interface Gap {
  signal: 'SIGKILL' | 'SIGTERM';
  /** When the signal was sent (ms since epoch). */
  from: number;
  /** When the next process was polling again. */
  to: number;
}

export interface WorkerProcess {
  readonly gaps: readonly Gap[];
  /** The last lines the processes printed (for a failure message). */
  tail(): string;
  start(): Promise<void>;
  /** Sends `signal`, waits for the process to exit, and leaves the worker down. */
  stop(signal: Gap['signal']): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stop, then start again after `downMs`; the gap is recorded. */
  restart(signal: Gap['signal'], downMs: number): Promise<void>;
  close(): Promise<void>;
}

const READY = '工作者已启动';
const START_TIMEOUT_MS = 120_000;

export function workerProcess(env: Record<string, string>): WorkerProcess {
  let child: ChildProcess | undefined;
  let lines: string[] = [];
  const gaps: Gap[] = [];
  let pending: { signal: Gap['signal']; from: number } | undefined;

  const start = async () => {
    const httpPort = await freePort();
    const c = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, ...env, WORKER_HTTP_PORT: String(httpPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    let ready = false;
    const readyOrExit = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) {
          if (!line.trim()) continue;
          lines.push(line);
          if (lines.length > 200) lines = lines.slice(-100);
          if (!ready && line.includes(READY)) {
            ready = true;
            resolve();
          }
        }
      };
      c.stdout?.on('data', onData);
      c.stderr?.on('data', onData);
      c.once('exit', (code, signal) => {
        if (!ready)
          reject(
            new Error(
              `worker exited before it polled (code ${code}, signal ${signal}):\n${lines.slice(-30).join('\n')}`,
            ),
          );
      });
    });
    const timeout = setTimeout(() => c.kill('SIGKILL'), START_TIMEOUT_MS);
    try {
      await readyOrExit;
    } finally {
      clearTimeout(timeout);
    }
    if (pending) {
      gaps.push({ ...pending, to: Date.now() });
      pending = undefined;
    }
  };

  const stop: WorkerProcess['stop'] = async (signal) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null)
      return { code: c?.exitCode ?? null, signal: c?.signalCode ?? null };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      c.once('exit', (code, sig) => resolve({ code, signal: sig })),
    );
    pending = { signal, from: Date.now() };
    c.kill(signal);
    // A graceful stop waits for the activities in flight (WORKER_SHUTDOWN_GRACE_SECONDS); bounded anyway.
    const hard = setTimeout(() => c.kill('SIGKILL'), 60_000);
    try {
      return await exited;
    } finally {
      clearTimeout(hard);
      child = undefined;
    }
  };

  return {
    gaps,
    tail: () => lines.slice(-40).join('\n'),
    start,
    stop,
    async restart(signal, downMs) {
      await stop(signal);
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async close() {
      pending = undefined;
      await stop('SIGKILL');
    },
  };
}

export interface LoopbackWorkerEnv {
  temporalAddress: string;
  taskQueue: string;
  plansDir: string;
  /** The prebundled workflow file. */
  bundle: string;
  smtpPort: number;
  /** Delivery log and read model. */
  sqlitePath: string;
}

/** A production worker's environment on the loopback mailbox: office hours all day, no health scan. */
export function loopbackWorkerEnv(o: LoopbackWorkerEnv): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: o.temporalAddress,
    CAMPAIGN_TASK_QUEUE: o.taskQueue,
    CAMPAIGN_PLANS_DIR: o.plansDir,
    WORKER_WORKFLOW_BUNDLE: o.bundle,
    WORKER_SHUTDOWN_GRACE_SECONDS: '10',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(o.smtpPort),
    SMTP_REQUIRE_TLS: 'false',
    NOTIFY_SQLITE_PATH: o.sqlitePath,
    NOTIFY_OFFICE_HOURS_START: '00:00',
    NOTIFY_OFFICE_HOURS_END: '23:59',
    CAMPAIGN_HEALTH_SCAN_SECONDS: '0',
  };
}
