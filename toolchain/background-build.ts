/**
 * The tools only later tests need, built behind the others: MinIO (the S3 upload tests) and the
 * real Temporal server (`npm run stack`, the `production` project, which runs last). `npm run
 * toolchain` starts one detached process that builds the missing ones one after the other, and
 * returns; whoever needs a tool before it is done waits for its lock (toolchain/build-lock.ts).
 *
 * Low priority for real: a detached process is its own session, and with the kernel's autogroup
 * scheduling a session's niceness counts only within that session, so a plain `nice -n 19` build
 * still took half the CPU from the build the tests wait for (Temporal CLI 538 s instead of ~220 s
 * on two cores). The build therefore also lowers its session's autogroup weight.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { constants, setPriority } from 'node:os';
import path from 'node:path';
import { backgroundBuildLog } from './background-log.js';
import { findMinio, minioLock } from './minio.js';
import { repoRoot } from './paths.js';
import { findOnPath } from './run-command.js';
import { findTemporalServer, temporalServerLock } from './temporal-server.js';

export type BackgroundTool = 'minio' | 'temporal-server';

/** What the background build would build here: the missing tools nobody is building yet. */
async function missing(): Promise<BackgroundTool[]> {
  const tools: BackgroundTool[] = [];
  if (!(await findMinio()) && !(await minioLock.held())) tools.push('minio');
  if (!(await findTemporalServer()) && !(await temporalServerLock.held())) tools.push('temporal-server');
  return tools;
}

/** Starts the background build of what is missing and returns at once; the tools it builds. */
export async function startBackgroundBuild(): Promise<BackgroundTool[]> {
  const tools = await missing();
  if (tools.length === 0 || !(await findOnPath('go'))) return [];
  await mkdir(path.dirname(backgroundBuildLog), { recursive: true });
  const out = openSync(backgroundBuildLog, 'w');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'toolchain', 'build-in-background.ts'), ...tools],
    { cwd: repoRoot, detached: true, stdio: ['ignore', out, out], env: process.env },
  );
  child.unref();
  closeSync(out);
  return tools;
}

/** This process and what it starts at the lowest priority, also against other sessions. */
export function lowerOwnPriority(): void {
  try {
    setPriority(constants.priority.PRIORITY_LOW);
  } catch {
    // not permitted here: the build still runs, only at normal priority
  }
  try {
    // Linux with CONFIG_SCHED_AUTOGROUP: the session's weight (19 = lowest).
    writeFileSync('/proc/self/autogroup', '19');
  } catch {
    // no autogroups (other kernels, other systems): niceness alone decides
  }
}
