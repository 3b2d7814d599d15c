import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * Repository root, resolved from this file so scripts work from any working directory: the first
 * folder above it with a package.json, so the compiled copy (dist/toolchain/paths.js) finds the
 * same root, and with it plans/, templates/ and the workflow sources, as the source does.
 */
export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(from: string): string {
  for (let dir = path.resolve(from, '..'); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

/**
 * Where fetched and built tools live. Git-ignored; reused when present. `CAMPAIGN_CACHE_DIR`
 * lets several checkouts share one cache (e.g. CI clones on the same machine).
 */
export const cacheDir = process.env.CAMPAIGN_CACHE_DIR
  ? path.resolve(process.env.CAMPAIGN_CACHE_DIR)
  : path.join(repoRoot, '.cache');

/** Where the demo keeps its durable state (Temporal SQLite file, mailbox, uploads). */
export const dataDir = process.env.CAMPAIGN_DATA_DIR
  ? path.resolve(process.env.CAMPAIGN_DATA_DIR)
  : path.join(repoRoot, '.data');
