/**
 * API tokens issued from the roster. Each names one person, their role and what they may reach;
 * stores keep only SHA-256 hashes, so a leaked store grants nothing. The plain tokens are handed
 * out once (a CSV the office distributes, or the answer that issues them) and never stored.
 *
 * A token lives until it expires or is revoked (one person, one unit's people, or a whole
 * campaign); rotating a person's token revokes the old one and issues a new one. Two stores hold
 * them: a JSON file (one host, the embedded default) and PostgreSQL (several API replicas). Both
 * answer `check` from the store itself, so a revocation is refused on the next request everywhere.
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RosterUnit } from '../../domain/roster/types.js';
import { groupMemberId, headId, liaisonId, type Office } from '../../app/people.js';
import type { IssuedToken, Principal, Role } from './wire/session.js';

export type { IssuedToken, Principal, Role } from './wire/session.js';
import { handoutCsv } from './wire/handout.js';
export { ROLE_LABELS } from './wire/handout.js';

/** Default lifetime of a token issued from now on (a campaign batch runs for months). */
export const DEFAULT_TOKEN_TTL_DAYS = 365;

const EntrySchema = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  role: z.enum(['office', 'group', 'unit']),
  personId: z.string().min(1),
  name: z.string().min(1),
  /** unit role: the one unit this person belongs to. */
  unitId: z.string().optional(),
  /** group role: the 指导组 this member belongs to. */
  groupId: z.string().optional(),
  /** ISO instants; entries written before the lifecycle existed have none and never expire. */
  issuedAt: z.string().optional(),
  expiresAt: z.string().optional(),
  revokedAt: z.string().optional(),
  revokedBy: z.string().optional(),
  revokeReason: z.string().optional(),
});
export type TokenEntry = z.infer<typeof EntrySchema>;

export const StoreFileSchema = z.object({
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

/** Why a presented token is refused; the API says which in Chinese. */
export type Refusal =
  { reason: 'unknown' } | { reason: 'revoked'; at: string; why?: string } | { reason: 'expired'; at: string };
export type TokenCheck = { ok: true; principal: Principal } | ({ ok: false } & Refusal);

export const REFUSAL_TEXT = (r: Refusal): string =>
  r.reason === 'revoked'
    ? `令牌已于 ${r.at} 作废${r.why ? `（${r.why}）` : ''}，请向活动办申请新令牌`
    : r.reason === 'expired'
      ? `令牌已于 ${r.at} 过期，请向活动办申请新令牌`
      : '令牌无效或已作废';

/** One person, the people of one unit (联络员、第一责任人), or every token of the campaign. */
export type RevokeScope = { personId: string } | { unitId: string } | { campaign: true };

export interface RevokeOptions {
  /** Who revokes (the office member's person id, or `cli`). */
  by: string;
  reason?: string;
  now?: Date;
}

/** A token as the office sees it in a listing: never the hash or the token itself. */
export interface TokenInfo {
  role: Role;
  personId: string;
  name: string;
  unitId?: string;
  groupId?: string;
  issuedAt?: string;
  expiresAt?: string;
  revokedAt?: string;
  revokedBy?: string;
  revokeReason?: string;
}

export interface LaunchRecord {
  /** unit id → 指导组 id of the units just launched. */
  unitGroups: Record<string, string>;
  stages: readonly string[];
  /** The launched units: their people (and their 指导组's members) get a token if they have none. */
  units: readonly RosterUnit[];
  now?: Date;
}

export interface TokenStore {
  readonly campaignId: string;
  /** Checks a presented token against the store as it is now; the directory reads below are at least this fresh. */
  check(token: string, now?: Date): Promise<TokenCheck>;
  groupOfUnit(unitId: string): string | undefined;
  unitsOfGroup(groupId: string): string[];
  /** Units in the directory (of one 指导组): the board's count of launched units, without listing them. */
  unitCount(groupId?: string): number;
  groups(): string[];
  stages(): string[];
  /** Tokens issued elsewhere (`campaign tokens issue`): only their hashes are kept. */
  add(issued: readonly IssuedToken[], now?: Date): Promise<void>;
  /** Units launched from the console: their groups, the plan's stages, and logins for people without one. */
  recordLaunch(launch: LaunchRecord): Promise<IssuedToken[]>;
  /** Revokes every live token in scope; the number revoked. */
  revoke(scope: RevokeScope, o: RevokeOptions): Promise<number>;
  /** Revokes the person's live tokens and issues a new one; undefined for a person without any token. */
  rotate(personId: string, o: RevokeOptions): Promise<IssuedToken | undefined>;
  list(): Promise<TokenInfo[]>;
  close(): Promise<void>;
}

const newToken = (): string => `co_${randomBytes(24).toString('base64url')}`;

/** The token's verdict at `now`, from its stored entry. */
export function judge(e: TokenEntry | undefined, campaignId: string, now: Date): TokenCheck {
  if (!e) return { ok: false, reason: 'unknown' };
  if (e.revokedAt)
    return {
      ok: false,
      reason: 'revoked',
      at: e.revokedAt,
      ...(e.revokeReason ? { why: e.revokeReason } : {}),
    };
  if (e.expiresAt && Date.parse(e.expiresAt) <= now.getTime())
    return { ok: false, reason: 'expired', at: e.expiresAt };
  return {
    ok: true,
    principal: {
      role: e.role,
      personId: e.personId,
      name: e.name,
      campaignId,
      ...(e.unitId ? { unitId: e.unitId } : {}),
      ...(e.groupId ? { groupId: e.groupId } : {}),
    },
  };
}

export function inScope(e: Pick<TokenEntry, 'personId' | 'unitId' | 'role'>, scope: RevokeScope): boolean {
  if ('campaign' in scope) return true;
  if ('personId' in scope) return e.personId === scope.personId;
  return e.role === 'unit' && e.unitId === scope.unitId;
}

export function infoOf(e: TokenEntry): TokenInfo {
  const { hash: _hash, ...info } = e;
  return info;
}

/** A new login for the person an entry names (rotation keeps role, unit and group). */
export function reissue(
  e: Pick<TokenEntry, 'role' | 'personId' | 'name' | 'unitId' | 'groupId'>,
): IssuedToken {
  return {
    token: newToken(),
    role: e.role,
    personId: e.personId,
    name: e.name,
    ...(e.unitId ? { unitId: e.unitId } : {}),
    ...(e.groupId ? { groupId: e.groupId } : {}),
  };
}

/** One token per office member, per 指导组 member, and per unit liaison and head. */
export function issueTokens(
  campaignId: string,
  units: readonly RosterUnit[],
  office: Office,
  stages: readonly string[] = [],
  now = new Date(),
  ttlDays = DEFAULT_TOKEN_TTL_DAYS,
): { store: TokenStoreFile; issued: IssuedToken[] } {
  const issued = peopleTokens(units, office);
  const store: TokenStoreFile = {
    version: 1,
    campaignId,
    unitGroups: Object.fromEntries(units.map((u) => [u.id, u.group.id])),
    stages: [...stages],
    entries: issued.map((t) => entryOf(t, now, ttlDays)),
  };
  return { store, issued };
}

function peopleTokens(units: readonly RosterUnit[], office: Office): IssuedToken[] {
  const issued: IssuedToken[] = [];
  const contact = (p: { email?: string | undefined; mobile?: string | undefined }) => ({
    ...(p.email ? { email: p.email } : {}),
    ...(p.mobile ? { mobile: p.mobile } : {}),
  });
  for (const m of office.members)
    issued.push({ token: newToken(), role: 'office', personId: m.id, name: m.name, ...contact(m) });
  const seenGroups = new Set<string>();
  for (const u of units) {
    if (!seenGroups.has(u.group.id)) {
      seenGroups.add(u.group.id);
      u.group.members.forEach((m, i) =>
        issued.push({
          token: newToken(),
          role: 'group',
          personId: groupMemberId(u.group.id, i + 1),
          name: m.name,
          groupId: u.group.id,
          ...contact(m),
        }),
      );
    }
    issued.push({
      token: newToken(),
      role: 'unit',
      personId: liaisonId(u.id),
      name: u.liaison.name,
      unitId: u.id,
      ...contact(u.liaison),
    });
    issued.push({
      token: newToken(),
      role: 'unit',
      personId: headId(u.id),
      name: u.head.name,
      unitId: u.id,
      ...contact(u.head),
    });
  }
  return issued;
}

/** Logins for the liaisons, heads and 指导组 members of `units` for whom `hasPerson` says no. */
export function missingTokens(
  units: readonly RosterUnit[],
  hasPerson: (personId: string) => boolean,
): IssuedToken[] {
  return peopleTokens(units, { name: '', members: [] }).filter((t) => !hasPerson(t.personId));
}

export function entryOf(t: IssuedToken, now = new Date(), ttlDays = DEFAULT_TOKEN_TTL_DAYS): TokenEntry {
  return {
    hash: hashToken(t.token),
    role: t.role,
    personId: t.personId,
    name: t.name,
    ...(t.unitId ? { unitId: t.unitId } : {}),
    ...(t.groupId ? { groupId: t.groupId } : {}),
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlDays * 86_400_000).toISOString(),
  };
}

export async function writeTokenFiles(
  store: TokenStoreFile,
  issued: readonly IssuedToken[],
  storePath: string,
  handoutPath: string,
): Promise<void> {
  await writeFile(storePath, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  await writeHandout(issued, handoutPath);
}

/** The CSV of plain tokens the office hands out (wire/handout.ts), readable by its owner only. */
export async function writeHandout(issued: readonly IssuedToken[], handoutPath: string): Promise<void> {
  await writeFile(handoutPath, handoutCsv(issued), { mode: 0o600 });
}
