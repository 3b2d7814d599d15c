import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { repoRoot } from '../../toolchain/paths.js';

/** Processes whose environment carries the marker: everything the run started, however deep. */
function processesWithMarker(value: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(value)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return predicate();
}

// A nested vitest run holds both servers; we stop it the two ways a run gets stopped and look for
// survivors. SIGINT to the process group is Ctrl-C in a terminal; SIGKILL to vitest alone is a
// crash that runs no teardown at all.
describe('stopping a test run', () => {
  for (const [signal, target] of [
    ['SIGINT', 'group'],
    ['SIGKILL', 'process'],
  ] as const) {
    it(`leaves no server process behind after ${signal} to the ${target}`, async () => {
      const marker = randomUUID();
      const readyFile = path.join(mkdtempSync(path.join(tmpdir(), 'orphans-')), 'ready');
      const run = spawn(
        process.execPath,
        [
          path.join(repoRoot, 'node_modules/vitest/vitest.mjs'),
          'run',
          '--config',
          'test/toolchain/fixtures/vitest.hold.config.ts',
        ],
        {
          cwd: repoRoot,
          env: {
            ...process.env,
            CAMPAIGN_ORPHAN_MARKER: marker,
            CAMPAIGN_READY_FILE: readyFile,
            TEMPORAL_ADDRESS: '',
          },
          stdio: 'ignore',
          detached: true,
        },
      );
      const pid = run.pid ?? 0;
      try {
        expect(await waitUntil(() => existsSync(readyFile), 60_000)).toBe(true);
        // vitest, its test fork, the dev server, the Java server and their watchers.
        expect(processesWithMarker(marker).length).toBeGreaterThanOrEqual(5);

        process.kill(target === 'group' ? -pid : pid, signal);
        const gone = await waitUntil(() => processesWithMarker(marker).length === 0, 20_000);
        expect(gone, `still running: ${processesWithMarker(marker).join(', ')}`).toBe(true);
      } finally {
        for (const p of processesWithMarker(marker)) process.kill(p, 'SIGKILL');
      }
    });
  }
});
