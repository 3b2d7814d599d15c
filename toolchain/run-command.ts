import { spawn } from 'node:child_process';

export class ToolchainError extends Error {
  override name = 'ToolchainError';
}

/** Looks a program up on PATH without spawning a shell. */
export async function findOnPath(program: string): Promise<string | undefined> {
  const { access, constants } = await import('node:fs/promises');
  const path = await import('node:path');
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, program);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/**
 * Runs a long build step, echoing its output and printing a heartbeat so a first run that takes
 * minutes shows progress instead of silence.
 */
export async function runWithProgress(
  label: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`[toolchain] ${line}\n`);
  log(`${label}…`);
  const heartbeat = setInterval(() => {
    log(`${label}：已用时 ${Math.round((Date.now() - started) / 1000)} 秒，仍在进行`);
  }, 15_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const relay = (chunk: Buffer) => {
        // eslint-disable-next-line no-control-regex -- Maven colours its output even with -B
        const text = chunk.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');
        for (const line of text.split('\n')) if (line.trim()) log(`  ${line}`);
      };
      child.stdout.on('data', relay);
      child.stderr.on('data', relay);
      child.on('error', reject);
      child.on('exit', (code, signal) =>
        code === 0
          ? resolve()
          : reject(new ToolchainError(`${label} 失败（${command} 退出码 ${code ?? signal}）`)),
      );
    });
  } finally {
    clearInterval(heartbeat);
  }
  log(`${label}完成，用时 ${Math.round((Date.now() - started) / 1000)} 秒`);
}
