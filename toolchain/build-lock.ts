/**
 * One build at a time per cached tool, across processes: the builder holds `<dir>.lock` (its pid);
 * anyone else who needs the tool waits for it instead of starting a second `go install`. A lock
 * whose holder died is taken over.
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ToolchainError } from './run-command.js';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class BuildLock {
  constructor(
    readonly file: string,
    /** The tool's name in messages, e.g. 「Temporal 服务器 v1.29.1」. */
    private readonly what: string,
    /** Where the build's output can be read when a wait gives up. */
    private readonly buildLog?: string,
  ) {}

  private async holder(): Promise<number> {
    return Number((await readFile(this.file, 'utf8').catch(() => '')).trim());
  }

  /** True while a live process holds the lock (or has just created it). */
  async held(): Promise<boolean> {
    if (!existsSync(this.file)) return false;
    const holder = await this.holder();
    return !holder || alive(holder);
  }

  /** Takes the lock; false when a live process holds it. A dead holder's lock is taken over. */
  async take(): Promise<boolean> {
    await mkdir(path.dirname(this.file), { recursive: true });
    for (let i = 0; i < 2; i++) {
      try {
        closeSync(openSync(this.file, 'wx'));
        await writeFile(this.file, String(process.pid));
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = await this.holder();
      // Just created by another process and not yet written: that process is alive.
      if (!holder) return false;
      if (alive(holder)) return false;
      await rm(this.file, { force: true });
    }
    return false;
  }

  async release(): Promise<void> {
    await rm(this.file, { force: true });
  }

  /** Waits until the holder is done (or dead), saying every 30 s what it waits for. */
  async waitForOther(timeoutMs: number, log: (line: string) => void): Promise<void> {
    const started = Date.now();
    let lastNote = 0;
    for (;;) {
      const holder = await this.holder();
      if (!existsSync(this.file) || (holder && !alive(holder))) return;
      const waited = Date.now() - started;
      if (waited > timeoutMs) {
        throw new ToolchainError(
          `等待另一个进程（${holder}）构建${this.what}超时（${Math.round(timeoutMs / 1000)} 秒）${this.buildLog ? `；构建输出见 ${this.buildLog}` : ''}`,
        );
      }
      if (waited - lastNote >= 30_000) {
        lastNote = waited;
        log(`另一个进程（${holder}）正在构建${this.what}，已等待 ${Math.round(waited / 1000)} 秒`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
