/**
 * Tokens in PostgreSQL, shared by every API replica. `check` reads the token's row on every
 * request (one indexed lookup), so a revocation made through any replica or the command line is
 * refused on the next request everywhere. The campaign's units, groups and stages are cached per
 * process and reloaded when the directory's version (read in the same query) has moved.
 */
import type pg from 'pg';
import { inTransaction } from '../../db/pool.js';
import {
  DEFAULT_TOKEN_TTL_DAYS,
  entryOf,
  hashToken,
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

interface TokenRow {
  hash: string;
  role: TokenEntry['role'];
  person_id: string;
  name: string;
  unit_id: string | null;
  group_id: string | null;
  issued_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

function entryOfRow(r: TokenRow): TokenEntry {
  return {
    hash: r.hash,
    role: r.role,
    personId: r.person_id,
    name: r.name,
    ...(r.unit_id ? { unitId: r.unit_id } : {}),
    ...(r.group_id ? { groupId: r.group_id } : {}),
    issuedAt: r.issued_at.toISOString(),
    ...(r.expires_at ? { expiresAt: r.expires_at.toISOString() } : {}),
    ...(r.revoked_at ? { revokedAt: r.revoked_at.toISOString() } : {}),
    ...(r.revoked_by ? { revokedBy: r.revoked_by } : {}),
    ...(r.revoke_reason ? { revokeReason: r.revoke_reason } : {}),
  };
}

/** Serialises a campaign's directory changes (two replicas launching at once). */
const lockCampaign = (c: pg.PoolClient, campaignId: string) =>
  c.query(`SELECT pg_advisory_xact_lock(hashtext('campaign-directory:' || $1))`, [campaignId]);

/** Adds units' groups (first one wins) and new stage ids (first-seen order); moves the version so other replicas reload. */
async function bumpDirectory(
  c: pg.PoolClient,
  campaignId: string,
  unitGroups: Record<string, string>,
  stages: readonly string[],
): Promise<void> {
  for (const [unit, group] of Object.entries(unitGroups)) {
    await c.query(
      'INSERT INTO campaign_unit_group (campaign_id, unit_id, group_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [campaignId, unit, group],
    );
  }
  await c.query(
    `UPDATE campaign_directory SET version = version + 1, updated_at = now(),
       stages = stages || COALESCE((SELECT jsonb_agg(s ORDER BY o) FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY AS x(s, o) WHERE NOT stages ? s), '[]'::jsonb)
     WHERE campaign_id = $1`,
    [campaignId, JSON.stringify(stages)],
  );
}

export class PostgresTokenStore implements TokenStore {
  private version = -1;
  private unitGroups = new Map<string, string>();
  private stageIds: string[] = [];

  private constructor(
    private readonly pool: pg.Pool,
    readonly campaignId: string,
    private readonly ttlDays: number,
  ) {}

  /** The store of one campaign; the pool (already migrated) stays the caller's to close. */
  static async open(
    pool: pg.Pool,
    campaignId: string,
    ttlDays = DEFAULT_TOKEN_TTL_DAYS,
  ): Promise<PostgresTokenStore> {
    const s = new PostgresTokenStore(pool, campaignId, ttlDays);
    await pool.query(
      `INSERT INTO campaign_directory (campaign_id) VALUES ($1) ON CONFLICT (campaign_id) DO NOTHING`,
      [campaignId],
    );
    await s.reload();
    return s;
  }

  /**
   * Copies a token file (hashes, units, stages) into the database: moving an API from its file to
   * PostgreSQL (`campaign tokens import`). Tokens already there are left as they are.
   */
  async importFile(file: TokenStoreFile): Promise<number> {
    if (file.campaignId !== this.campaignId)
      throw new Error(`令牌文件属于活动「${file.campaignId}」，不是「${this.campaignId}」`);
    const n = await inTransaction(this.pool, async (c) => {
      await lockCampaign(c, this.campaignId);
      await bumpDirectory(c, this.campaignId, file.unitGroups, file.stages);
      let added = 0;
      for (const e of file.entries) {
        const r = await c.query(
          `INSERT INTO api_token (hash, campaign_id, role, person_id, name, unit_id, group_id, issued_at, expires_at, revoked_at, revoked_by, revoke_reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (hash) DO NOTHING`,
          [
            e.hash,
            this.campaignId,
            e.role,
            e.personId,
            e.name,
            e.unitId ?? null,
            e.groupId ?? null,
            e.issuedAt ?? new Date().toISOString(),
            e.expiresAt ?? null,
            e.revokedAt ?? null,
            e.revokedBy ?? null,
            e.revokeReason ?? null,
          ],
        );
        added += r.rowCount ?? 0;
      }
      return added;
    });
    await this.reload();
    return n;
  }

  private async reload(): Promise<void> {
    const [dir, groups] = await Promise.all([
      this.pool.query<{ version: string; stages: string[] }>(
        'SELECT version, stages FROM campaign_directory WHERE campaign_id = $1',
        [this.campaignId],
      ),
      this.pool.query<{ unit_id: string; group_id: string }>(
        'SELECT unit_id, group_id FROM campaign_unit_group WHERE campaign_id = $1',
        [this.campaignId],
      ),
    ]);
    this.version = Number(dir.rows[0]?.version ?? 0);
    this.stageIds = dir.rows[0]?.stages ?? [];
    this.unitGroups = new Map(groups.rows.map((r) => [r.unit_id, r.group_id]));
  }

  async check(token: string, now = new Date()): Promise<TokenCheck> {
    const r = await this.pool.query<TokenRow & { version: string | null }>(
      `SELECT t.*, (SELECT version FROM campaign_directory WHERE campaign_id = $2) AS version
         FROM (SELECT 1) AS one LEFT JOIN api_token t ON t.hash = $1 AND t.campaign_id = $2`,
      [hashToken(token), this.campaignId],
    );
    const row = r.rows[0];
    if (row && Number(row.version ?? 0) !== this.version) await this.reload();
    return judge(row?.hash ? entryOfRow(row) : undefined, this.campaignId, now);
  }

  groupOfUnit(unitId: string): string | undefined {
    return this.unitGroups.get(unitId);
  }

  unitsOfGroup(groupId: string): string[] {
    return [...this.unitGroups].filter(([, g]) => g === groupId).map(([u]) => u);
  }

  unitCount(groupId?: string): number {
    if (groupId === undefined) return this.unitGroups.size;
    let n = 0;
    for (const g of this.unitGroups.values()) if (g === groupId) n += 1;
    return n;
  }

  groups(): string[] {
    return [...new Set(this.unitGroups.values())].sort();
  }

  stages(): string[] {
    return [...this.stageIds];
  }

  private async insert(c: pg.PoolClient, issued: readonly IssuedToken[], now: Date): Promise<void> {
    for (const t of issued) {
      const e = entryOf(t, now, this.ttlDays);
      await c.query(
        `INSERT INTO api_token (hash, campaign_id, role, person_id, name, unit_id, group_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          e.hash,
          this.campaignId,
          e.role,
          e.personId,
          e.name,
          e.unitId ?? null,
          e.groupId ?? null,
          e.issuedAt,
          e.expiresAt,
        ],
      );
    }
  }

  async add(issued: readonly IssuedToken[], now = new Date()): Promise<void> {
    await inTransaction(this.pool, (c) => this.insert(c, issued, now));
  }

  async recordLaunch(l: LaunchRecord): Promise<IssuedToken[]> {
    const now = l.now ?? new Date();
    const fresh = await inTransaction(this.pool, async (c) => {
      await lockCampaign(c, this.campaignId);
      await bumpDirectory(c, this.campaignId, l.unitGroups, l.stages);
      const people = await c.query<{ person_id: string }>(
        'SELECT DISTINCT person_id FROM api_token WHERE campaign_id = $1',
        [this.campaignId],
      );
      const known = new Set(people.rows.map((r) => r.person_id));
      const issued = missingTokens(l.units, (p) => known.has(p));
      await this.insert(c, issued, now);
      return issued;
    });
    await this.reload();
    return fresh;
  }

  async revoke(scope: RevokeScope, o: RevokeOptions): Promise<number> {
    const params: unknown[] = [this.campaignId, (o.now ?? new Date()).toISOString(), o.by, o.reason ?? null];
    let where = '';
    if ('personId' in scope) {
      params.push(scope.personId);
      where = 'AND person_id = $5';
    } else if ('unitId' in scope) {
      params.push(scope.unitId);
      where = `AND role = 'unit' AND unit_id = $5`;
    }
    const r = await this.pool.query(
      `UPDATE api_token SET revoked_at = $2, revoked_by = $3, revoke_reason = $4 WHERE campaign_id = $1 AND revoked_at IS NULL ${where}`,
      params,
    );
    return r.rowCount ?? 0;
  }

  async rotate(personId: string, o: RevokeOptions): Promise<IssuedToken | undefined> {
    const now = o.now ?? new Date();
    return inTransaction(this.pool, async (c) => {
      const mine = await c.query<TokenRow>(
        'SELECT * FROM api_token WHERE campaign_id = $1 AND person_id = $2 ORDER BY seq DESC LIMIT 1 FOR UPDATE',
        [this.campaignId, personId],
      );
      const last = mine.rows[0];
      if (!last) return undefined;
      await c.query(
        'UPDATE api_token SET revoked_at = $3, revoked_by = $4, revoke_reason = $5 WHERE campaign_id = $1 AND person_id = $2 AND revoked_at IS NULL',
        [this.campaignId, personId, now.toISOString(), o.by, o.reason ?? '已换发新令牌'],
      );
      const fresh = reissue(entryOfRow(last));
      await this.insert(c, [fresh], now);
      return fresh;
    });
  }

  async list(): Promise<TokenInfo[]> {
    const r = await this.pool.query<TokenRow>('SELECT * FROM api_token WHERE campaign_id = $1 ORDER BY seq', [
      this.campaignId,
    ]);
    return r.rows.map((row) => infoOf(entryOfRow(row)));
  }

  async close(): Promise<void> {}
}
