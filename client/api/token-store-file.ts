/**
 * Tokens in a JSON file (hashes only, mode 0600): the embedded default, for an API on one host.
 * Every check looks at the file (inode, time, size) and re-reads a changed file, so a revocation
 * written by `campaign tokens revoke` or by another API process on the same file is refused on the
 * next request. Writes go to a temporary file renamed over the old one: a crash leaves either.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import {
  DEFAULT_TOKEN_TTL_DAYS,
  StoreFileSchema,
  entryOf,
  hashToken,
  inScope,
  infoOf,
  judge,
  missingTokens,
  reissue,
  type IssuedToken,
  type LaunchRecord,
  type RevokeOptions,
  type RevokeScope,
  type TokenCheck,
  type TokenEntry,
  type TokenInfo,
  type TokenStore,
  type TokenStoreFile,
} from './tokens.js';

function parse(text: string, path: string): TokenStoreFile {
  const r = StoreFileSchema.safeParse(JSON.parse(text));
  if (!r.success)
    throw new Error(
      `令牌文件「${path}」格式有误：${r.error.issues.map((i) => `${i.path.join('.')}：${i.message}`).join('；')}`,
    );
  return r.data;
}

/**
 * What tells us the file changed: the inode (every write renames a new file into place), plus
 * time and size for hand edits. File times alone are coarse (a few ms) and miss quick writes.
 */
const versionOf = (path: string): string => {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.mtimeMs}:${s.size}`;
  } catch {
    return 'missing';
  }
};

export class FileTokenStore implements TokenStore {
  private byHash = new Map<string, TokenEntry>();
  private seen = '';
  /** Changes of this process run one after another (read, change, write). */
  private queue: Promise<unknown> = Promise.resolve();

  /** `path`: the store file, rewritten on every change (a store without one lives in memory). */
  constructor(
    private data: TokenStoreFile,
    readonly path?: string,
    private readonly ttlDays = DEFAULT_TOKEN_TTL_DAYS,
  ) {
    this.index();
    if (path) this.seen = versionOf(path);
  }

  static async load(path: string, ttlDays?: number): Promise<FileTokenStore> {
    return new FileTokenStore(parse(await readFile(path, 'utf8'), path), path, ttlDays);
  }

  /** The file as last read or written (tests, `npm start`). */
  get file(): TokenStoreFile {
    return this.data;
  }

  get campaignId(): string {
    return this.data.campaignId;
  }

  private index(): void {
    this.byHash = new Map(this.data.entries.map((e) => [e.hash, e]));
  }

  /** Re-reads the file if another writer changed it since we last saw it. */
  private refresh(): void {
    if (!this.path) return;
    const v = versionOf(this.path);
    if (v === this.seen) return;
    this.data = parse(readFileSync(this.path, 'utf8'), this.path);
    this.seen = v;
    this.index();
  }

  private change<T>(fn: (data: TokenStoreFile) => T): Promise<T> {
    const run = this.queue.then(async () => {
      this.refresh();
      const result = fn(this.data);
      this.index();
      if (this.path) {
        const tmp = `${this.path}.${randomUUID()}.part`;
        await writeFile(tmp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
        await rename(tmp, this.path);
        this.seen = versionOf(this.path);
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  check(token: string, now = new Date()): Promise<TokenCheck> {
    return this.queue.then(() => {
      this.refresh();
      return judge(this.byHash.get(hashToken(token)), this.data.campaignId, now);
    });
  }

  groupOfUnit(unitId: string): string | undefined {
    return this.data.unitGroups[unitId];
  }

  unitsOfGroup(groupId: string): string[] {
    return Object.entries(this.data.unitGroups)
      .filter(([, g]) => g === groupId)
      .map(([u]) => u);
  }

  unitCount(groupId?: string): number {
    const groups = Object.values(this.data.unitGroups);
    return groupId === undefined ? groups.length : groups.filter((g) => g === groupId).length;
  }

  groups(): string[] {
    return [...new Set(Object.values(this.data.unitGroups))].sort();
  }

  stages(): string[] {
    return [...this.data.stages];
  }

  add(issued: readonly IssuedToken[], now = new Date()): Promise<void> {
    return this.change((d) => {
      d.entries.push(...issued.map((t) => entryOf(t, now, this.ttlDays)));
    });
  }

  recordLaunch(l: LaunchRecord): Promise<IssuedToken[]> {
    const now = l.now ?? new Date();
    return this.change((d) => {
      for (const [unit, group] of Object.entries(l.unitGroups)) d.unitGroups[unit] ??= group;
      for (const s of l.stages) if (!d.stages.includes(s)) d.stages.push(s);
      const people = new Set(d.entries.map((e) => e.personId));
      const fresh = missingTokens(l.units, (p) => people.has(p));
      d.entries.push(...fresh.map((t) => entryOf(t, now, this.ttlDays)));
      return fresh;
    });
  }

  revoke(scope: RevokeScope, o: RevokeOptions): Promise<number> {
    const at = (o.now ?? new Date()).toISOString();
    return this.change((d) => {
      let n = 0;
      for (const e of d.entries) {
        if (e.revokedAt || !inScope(e, scope)) continue;
        Object.assign(e, { revokedAt: at, revokedBy: o.by, ...(o.reason ? { revokeReason: o.reason } : {}) });
        n++;
      }
      return n;
    });
  }

  rotate(personId: string, o: RevokeOptions): Promise<IssuedToken | undefined> {
    const now = o.now ?? new Date();
    return this.change((d) => {
      const mine = d.entries.filter((e) => e.personId === personId);
      const last = mine.at(-1);
      if (!last) return undefined;
      for (const e of mine)
        if (!e.revokedAt)
          Object.assign(e, {
            revokedAt: now.toISOString(),
            revokedBy: o.by,
            revokeReason: o.reason ?? '已换发新令牌',
          });
      const fresh = reissue(last);
      d.entries.push(entryOf(fresh, now, this.ttlDays));
      return fresh;
    });
  }

  list(): Promise<TokenInfo[]> {
    return this.queue.then(() => {
      this.refresh();
      return this.data.entries.map(infoOf);
    });
  }

  close(): Promise<void> {
    return this.queue.then(() => undefined);
  }
}
