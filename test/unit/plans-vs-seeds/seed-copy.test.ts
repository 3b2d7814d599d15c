import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SEED_FILES, SEEDS_DIR, SHARED_SEEDS_DIR } from './seed-text.js';

describe('the repository copy of the seeds', () => {
  it('holds every seed the fidelity tests read', () => {
    for (const file of Object.values(SEED_FILES)) {
      expect(readFileSync(join(SEEDS_DIR, file), 'utf8').length, file).toBeGreaterThan(1000);
    }
  });

  // Outside this workplace a checkout has no shared folder; there the copy is the only source.
  it('is byte-identical to the shared seeds wherever they exist', () => {
    const shared = existsSync(SHARED_SEEDS_DIR)
      ? readdirSync(SHARED_SEEDS_DIR).filter((f) => f.endsWith('.txt'))
      : [];
    for (const file of shared) {
      expect(
        readFileSync(join(SEEDS_DIR, file)).equals(readFileSync(join(SHARED_SEEDS_DIR, file))),
        file,
      ).toBe(true);
    }
  });
});
