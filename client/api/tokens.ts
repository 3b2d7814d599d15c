/**
 * API tokens issued from the roster. Each names one person, their role and what they may reach;
 * the store keeps only SHA-256 hashes, so a leaked store file grants nothing. The plain tokens are
 * handed out once (a CSV the office distributes) and never written next to the hashes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RosterUnit } from '../../domain/roster/types.js';
import { groupMemberId, headId, liaisonId, type Office } from '../../app/people.js';
import type { IssuedToken, Principal, Role } from './wire/session.js';

export type { IssuedToken, Principal, Role } from './wire/session.js';
export const ROLE_LABELS: Record<Role, string> = { office: '活动办', group: '指导组成员', unit: '参学单位' };

const EntrySchema = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  role: z.enum(['office', 'group', 'unit']),
  personId: z.string().min(1),
  name: z.string().min(1),
  /** unit role: the one unit this person belongs to. */
  unitId: z.string().optional(),
  /** group role: the 指导组 this member belongs to. */
  groupId: z.string().optional(),
});
export type TokenEntry = z.infer<typeof EntrySchema>;

const StoreFileSchema = z.object({
  version: z.literal(1),
  campaignId: z.string().min(1),
  /** unit id → 指导组 id, so a group member's reach is known without asking Temporal. */
  unitGroups: z.record(z.string(), z.string()),
  /** Stage ids of the plan, for dashboards on servers that cannot GROUP BY. */
  stages: z.array(z.string()).default([]),
  entries: z.array(EntrySchema),
});
export type TokenStoreFile = z.infer<typeof StoreFileSchema>;

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export class TokenStore {
  private readonly byHash: Map<string, TokenEntry>;
  /** `path`: the store file, rewritten when people are added (a store without one lives in memory). */
  constructor(
    readonly file: TokenStoreFile,
    readonly path?: string,
  ) {
    this.byHash = new Map(file.entries.map((e) => [e.hash, e]));
  }

  hasPerson(personId: string): boolean {
    return this.file.entries.some((e) => e.personId === personId);
  }

  /** Adds the hashes of freshly issued tokens; the plain tokens stay with the caller. */
  add(issued: readonly IssuedToken[]): void {
    for (const t of issued) {
      const e = entryOf(t);
      this.file.entries.push(e);
      this.byHash.set(e.hash, e);
    }
  }

  /** Writes the store file (hashes only) if it has one; a crash mid-write leaves the old file. */
  async save(): Promise<void> {
    if (!this.path) return;
    const tmp = `${this.path}.${randomUUID()}.part`;
    await writeFile(tmp, `${JSON.stringify(this.file, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.path);
  }

  get campaignId(): string {
    return this.file.campaignId;
  }

  authenticate(token: string): Principal | undefined {
    const e = this.byHash.get(hashToken(token));
    if (!e) return undefined;
    return {
      role: e.role,
      personId: e.personId,
      name: e.name,
      campaignId: this.file.campaignId,
      ...(e.unitId ? { unitId: e.unitId } : {}),
      ...(e.groupId ? { groupId: e.groupId } : {}),
    };
  }

  groupOfUnit(unitId: string): string | undefined {
    return this.file.unitGroups[unitId];
  }

  groups(): string[] {
    return [...new Set(Object.values(this.file.unitGroups))].sort();
  }

  static async load(path: string): Promise<TokenStore> {
    const raw: unknown = JSON.parse(await readFile(path, 'utf8'));
    const r = StoreFileSchema.safeParse(raw);
    if (!r.success) throw new Error(`令牌文件「${path}」格式有误：${r.error.issues.map((i) => `${i.path.join('.')}：${i.message}`).join('；')}`);
    return new TokenStore(r.data, path);
  }
}

const newToken = (): string => `co_${randomBytes(24).toString('base64url')}`;

/** One token per office member, per 指导组 member, and per unit liaison and head. */
export function issueTokens(campaignId: string, units: readonly RosterUnit[], office: Office, stages: readonly string[] = []): { store: TokenStoreFile; issued: IssuedToken[] } {
  const issued: IssuedToken[] = [];
  const contact = (p: { email?: string | undefined; mobile?: string | undefined }) => ({ ...(p.email ? { email: p.email } : {}), ...(p.mobile ? { mobile: p.mobile } : {}) });
  for (const m of office.members) issued.push({ token: newToken(), role: 'office', personId: m.id, name: m.name, ...contact(m) });
  const seenGroups = new Set<string>();
  for (const u of units) {
    if (!seenGroups.has(u.group.id)) {
      seenGroups.add(u.group.id);
      u.group.members.forEach((m, i) =>
        issued.push({ token: newToken(), role: 'group', personId: groupMemberId(u.group.id, i + 1), name: m.name, groupId: u.group.id, ...contact(m) }),
      );
    }
    issued.push({ token: newToken(), role: 'unit', personId: liaisonId(u.id), name: u.liaison.name, unitId: u.id, ...contact(u.liaison) });
    issued.push({ token: newToken(), role: 'unit', personId: headId(u.id), name: u.head.name, unitId: u.id, ...contact(u.head) });
  }
  const store: TokenStoreFile = {
    version: 1,
    campaignId,
    unitGroups: Object.fromEntries(units.map((u) => [u.id, u.group.id])),
    stages: [...stages],
    entries: issued.map(entryOf),
  };
  return { store, issued };
}

function entryOf(t: IssuedToken): TokenEntry {
  return {
    hash: hashToken(t.token),
    role: t.role,
    personId: t.personId,
    name: t.name,
    ...(t.unitId ? { unitId: t.unitId } : {}),
    ...(t.groupId ? { groupId: t.groupId } : {}),
  };
}

/**
 * Tokens for the liaisons, heads and 指导组 members of `units` who have none in `store` yet (units
 * launched from the console); the office's own tokens come from `campaign tokens issue`.
 */
export function issueMissingTokens(store: TokenStore, units: readonly RosterUnit[]): IssuedToken[] {
  const { issued } = issueTokens(store.campaignId, units, { name: '', members: [] });
  const fresh = issued.filter((t) => !store.hasPerson(t.personId));
  store.add(fresh);
  return fresh;
}

export async function writeTokenFiles(store: TokenStoreFile, issued: readonly IssuedToken[], storePath: string, handoutPath: string): Promise<void> {
  await writeFile(storePath, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  const cell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['角色,姓名,人员编号,单位编号,指导组,邮箱,手机,令牌'];
  for (const t of issued) lines.push([ROLE_LABELS[t.role], t.name, t.personId, t.unitId ?? '', t.groupId ?? '', t.email ?? '', t.mobile ?? '', t.token].map(cell).join(','));
  // BOM so Excel opens the Chinese columns correctly.
  await writeFile(handoutPath, `\uFEFF${lines.join('\r\n')}\r\n`, { mode: 0o600 });
}
