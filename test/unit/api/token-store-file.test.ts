import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { issueTokens } from '../../../client/api/tokens.js';
import { rosterUnit, tokenStoreContract } from './support/token-store-contract.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

tokenStoreContract('JSON file', {
  async open(file) {
    const dir = await mkdtemp(path.join(tmpdir(), 'tokens-'));
    dirs.push(dir);
    const p = path.join(dir, 'tokens.json');
    await writeFile(p, JSON.stringify(file), { mode: 0o600 });
    return { store: await FileTokenStore.load(p), openAnother: () => FileTokenStore.load(p) };
  },
});

// File-specific: a store file from before the lifecycle (entries without dates) still loads, its tokens never expire.
it('loads a token file written before tokens had dates; its tokens do not expire', async () => {
  const { store, issued } = issueTokens('c1', [rosterUnit('A', 'G1')], {
    name: '活动办',
    members: [{ id: 'office', name: '孙主任' }],
  });
  const old = { ...store, entries: store.entries.map(({ issuedAt: _i, expiresAt: _e, ...rest }) => rest) };
  const s = new FileTokenStore(old);
  expect(await s.check(issued[0]!.token, new Date('2099-01-01T00:00:00Z'))).toMatchObject({
    ok: true,
    principal: { personId: 'office' },
  });
});
