/**
 * One of the stack's Node processes (a worker or an API replica), started exactly as its container
 * starts it: `node dist/<entry>.js` (deploy/entrypoints.ts) with the environment of its compose service, Node being
 * the process that receives signals (no npm, no shell in between). The process dies with ours even
 * if we are SIGKILLed (a watcher shell execs it), and lives in its own process group, so a Ctrl-C
 * in the terminal reaches only the supervisor, which stops everything in order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PARENT_WATCH_SHELL } from '../../toolchain/parent-watch.js';
import { repoRoot } from '../../toolchain/paths.js';

export interface ServiceSpec {
  /** e.g. worker-1, api-2: the compose service it stands for. */
  name: string;
  /** Node's arguments: the compiled entry module as in the container (deploy/entrypoints.ts). */
  nodeArgs: string[];
  env: Record<string, string>;
  /** Where /readyz answers 200 once the process is ready. */
  readyUrl: string;
  onLine?: (service: string, line: string) => void;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Service {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  private lines: string[] = [];
  starts = 0;

  constructor(readonly spec: ServiceSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines it printed (for failure messages). */
  recent(n = 30): string {
    return this.lines.slice(-n).join('\n');
  }

  start(): void {
    if (this.running) return;
    this.starts += 1;
    const script = ['parent=$1; shift', 'self=$$', PARENT_WATCH_SHELL, 'exec "$@"'].join('\n');
    // `exec` replaces the shell: the pid we hold (and signal) is node itself.
    const child = spawn(
      'sh',
      ['-c', script, 'sh', String(process.pid), process.execPath, ...this.spec.nodeArgs],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          CAMPAIGN_ENV_FILE: '/dev/null',
          ...this.spec.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    this.child = child;
    let partial = '';
    const onData = (c: Buffer) => {
      partial += c.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (!line.trim()) continue;
        this.lines.push(line);
        if (this.lines.length > 200) this.lines.shift();
        this.spec.onLine?.(this.spec.name, line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exitPromise = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  exited(): Promise<Exit> {
    return this.exitPromise;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child?.kill(signal);
  }

  /** SIGTERM (drain), then SIGKILL after `graceMs`. */
  async stop(graceMs = 40_000): Promise<Exit> {
    if (!this.running) return this.exitPromise;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    const exit = await this.exitPromise;
    clearTimeout(timer);
    return exit;
  }

  /** Waits until /readyz answers 200; fails early if the process exits. */
  async waitReady(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.spec.name} 启动失败：\n${this.recent()}`);
      const ok = await fetch(this.spec.readyUrl, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline)
        throw new Error(
          `${this.spec.name} 在 ${timeoutMs / 1000} 秒内没有就绪（${this.spec.readyUrl}）：\n${this.recent()}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
