import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root, resolved from this file so scripts work from any working directory. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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
