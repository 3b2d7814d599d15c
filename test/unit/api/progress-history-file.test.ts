import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { ProgressHistory } from '../../../app/progress-history.js';
import { progressHistoryContract } from './support/progress-history-contract.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

progressHistoryContract('JSON-lines files', {
  async open(o) {
    const dir = await mkdtemp(path.join(tmpdir(), 'progress-'));
    dirs.push(dir);
    return {
      store: new ProgressHistory({ dir, ...o }),
      reopen: () => Promise.resolve(new ProgressHistory({ dir, ...o })),
    };
  },
});
