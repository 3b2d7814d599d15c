/**
 * What every token store must do, written once and run against each (the JSON file in the unit
 * project, PostgreSQL in the integration project): checks, expiry, revocation by person, unit and
 * campaign, rotation, launches, and a second handle (another API replica) seeing every change on
 * its next check.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  issueTokens,
  type IssuedToken,
  type TokenStore,
  type TokenStoreFile,
} from '../../../../client/api/tokens.js';
import type { RosterUnit } from '../../../../domain/roster/types.js';

export interface TokenStoreFactory {
  /** A store holding `file`, and a way to open a second handle on the same data. */
  open(file: TokenStoreFile): Promise<{ store: TokenStore; openAnother: () => Promise<TokenStore> }>;
}

export const rosterUnit = (id: string, groupId: string): RosterUnit => ({
  id,
  name: `${id}镇机关`,
  type: 'town_office',
  flags: [],
  head: { name: `${id}书记`, email: `head-${id}@u.cn` },
  liaison: { name: `${id}联络员`, mobile: '13800000000' },
  groupId,
  group: {
    id: groupId,
    name: `${groupId}组`,
    members: [
      { name: `${groupId}组长`, role: 'leader', sourceRow: 2 },
      { name: `${groupId}成员`, role: 'member', sourceRow: 3 },
    ],
  },
  sourceRow: 2,
});

const T0 = new Date('2009-09-15T01:00:00Z');
const DAY = 86_400_000;
const OFFICE = { name: '活动办', members: [{ id: 'office', name: '孙主任' }] };

export function tokenStoreContract(name: string, factory: TokenStoreFactory): void {
  describe(`token store contract: ${name}`, () => {
    const opened: TokenStore[] = [];
    afterEach(async () => {
      for (const s of opened.splice(0).reverse()) await s.close();
    });

    async function fresh(ttlDays = 30) {
      const { store: file, issued } = issueTokens(
        'c1',
        [rosterUnit('A', 'G1'), rosterUnit('B', 'G1'), rosterUnit('C', 'G2')],
        OFFICE,
        ['study', 'analysis'],
        T0,
        ttlDays,
      );
      const r = await factory.open(file);
      opened.push(r.store);
      const token = (personId: string) => issued.find((t) => t.personId === personId)!.token;
      return {
        store: r.store,
        issued,
        token,
        openAnother: async () => {
          const s = await r.openAnother();
          opened.push(s);
          return s;
        },
      };
    }

    it('checks a token to its person, role and reach; anything else is unknown', async () => {
      const { store, token } = await fresh();
      expect(await store.check(token('A-liaison'), T0)).toEqual({
        ok: true,
        principal: { role: 'unit', personId: 'A-liaison', name: 'A联络员', campaignId: 'c1', unitId: 'A' },
      });
      expect(await store.check(token('G2-m2'), T0)).toEqual({
        ok: true,
        principal: { role: 'group', personId: 'G2-m2', name: 'G2成员', campaignId: 'c1', groupId: 'G2' },
      });
      expect(await store.check('co_guess', T0)).toEqual({ ok: false, reason: 'unknown' });
      expect(store.campaignId).toBe('c1');
      expect(store.groupOfUnit('B')).toBe('G1');
      expect(store.unitsOfGroup('G1').sort()).toEqual(['A', 'B']);
      expect([store.unitCount(), store.unitCount('G1'), store.unitCount('G9')]).toEqual([3, 2, 0]);
      expect(store.groups()).toEqual(['G1', 'G2']);
      expect(store.stages()).toEqual(['study', 'analysis']);
    });

    it('refuses a token from the instant it expires', async () => {
      const { store, token } = await fresh(30);
      expect((await store.check(token('office'), new Date(T0.getTime() + 30 * DAY - 1))).ok).toBe(true);
      expect(await store.check(token('office'), new Date(T0.getTime() + 30 * DAY))).toEqual({
        ok: false,
        reason: 'expired',
        at: new Date(T0.getTime() + 30 * DAY).toISOString(),
      });
    });

    it('revokes one person, then the people of one unit, then the whole campaign', async () => {
      const { store, token } = await fresh();
      const at = new Date(T0.getTime() + DAY);
      expect(await store.revoke({ personId: 'A-head' }, { by: 'office', reason: '调离', now: at })).toBe(1);
      expect(await store.check(token('A-head'), at)).toEqual({
        ok: false,
        reason: 'revoked',
        at: at.toISOString(),
        why: '调离',
      });
      expect((await store.check(token('A-liaison'), at)).ok).toBe(true);
      expect(await store.revoke({ personId: 'A-head' }, { by: 'office', now: at })).toBe(0);

      // The unit's two people (one already revoked); its 指导组 keeps its logins.
      expect(await store.revoke({ unitId: 'A' }, { by: 'office', now: at })).toBe(1);
      expect((await store.check(token('A-liaison'), at)).ok).toBe(false);
      expect((await store.check(token('G1-m1'), at)).ok).toBe(true);
      expect((await store.check(token('B-liaison'), at)).ok).toBe(true);

      expect(await store.revoke({ campaign: true }, { by: 'office', reason: '活动结束', now: at })).toBe(9);
      for (const p of ['office', 'G1-m1', 'G2-m2', 'B-head', 'C-liaison'])
        expect(await store.check(token(p), at)).toMatchObject({ ok: false, reason: 'revoked' });
      const listed = await store.list();
      expect(listed).toHaveLength(11);
      expect(listed.every((t) => t.revokedAt === at.toISOString() && t.revokedBy === 'office')).toBe(true);
      expect(JSON.stringify(listed)).not.toMatch(/[0-9a-f]{64}/);
    });

    it('rotates a person: the old token is refused, the new one names the same person', async () => {
      const { store, token } = await fresh();
      const at = new Date(T0.getTime() + DAY);
      const fresh2 = await store.rotate('B-liaison', { by: 'office', now: at });
      expect(fresh2).toMatchObject({ role: 'unit', personId: 'B-liaison', name: 'B联络员', unitId: 'B' });
      expect(fresh2!.token).not.toBe(token('B-liaison'));
      expect(await store.check(token('B-liaison'), at)).toEqual({
        ok: false,
        reason: 'revoked',
        at: at.toISOString(),
        why: '已换发新令牌',
      });
      expect(await store.check(fresh2!.token, at)).toMatchObject({
        ok: true,
        principal: { personId: 'B-liaison', unitId: 'B' },
      });
      // A revoked person can be given a login again by rotation; nobody unknown can.
      await store.revoke({ personId: 'C-head' }, { by: 'office', now: at });
      expect(await store.rotate('C-head', { by: 'office', now: at })).toMatchObject({ personId: 'C-head' });
      expect(await store.rotate('nobody', { by: 'office', now: at })).toBeUndefined();
    });

    it('a launch adds units, groups and stages, and logins only for people without one', async () => {
      const { store, token } = await fresh();
      await store.revoke({ personId: 'A-head' }, { by: 'office', now: T0 });
      const issued: IssuedToken[] = await store.recordLaunch({
        unitGroups: { A: 'G1', D: 'G3' },
        stages: ['analysis', 'rectification'],
        units: [rosterUnit('A', 'G1'), rosterUnit('D', 'G3')],
        now: T0,
      });
      // A's people and G1 already have logins (a revoked one stays revoked); D and G3 are new.
      expect(issued.map((t) => t.personId)).toEqual(['G3-m1', 'G3-m2', 'D-liaison', 'D-head']);
      expect((await store.check(token('A-head'), T0)).ok).toBe(false);
      expect(await store.check(issued[2]!.token, T0)).toMatchObject({ ok: true, principal: { unitId: 'D' } });
      expect(store.groupOfUnit('D')).toBe('G3');
      expect(store.stages()).toEqual(['study', 'analysis', 'rectification']);
      expect(
        await store.recordLaunch({
          unitGroups: { D: 'G3' },
          stages: [],
          units: [rosterUnit('D', 'G3')],
          now: T0,
        }),
      ).toEqual([]);
    });

    it('a second handle on the same data (another API replica) sees revocations and launches on its next check', async () => {
      const { store, token, openAnother } = await fresh();
      const other = await openAnother();
      expect((await other.check(token('C-liaison'), T0)).ok).toBe(true);
      await store.revoke({ personId: 'C-liaison' }, { by: 'office', now: T0 });
      expect(await other.check(token('C-liaison'), T0)).toMatchObject({ ok: false, reason: 'revoked' });

      const [d] = await store
        .recordLaunch({ unitGroups: { E: 'G2' }, stages: ['done'], units: [rosterUnit('E', 'G2')], now: T0 })
        .then((t) => t.filter((x) => x.personId === 'E-liaison'));
      expect(await other.check(d!.token, T0)).toMatchObject({ ok: true, principal: { unitId: 'E' } });
      expect(other.groupOfUnit('E')).toBe('G2');
      expect(other.stages()).toContain('done');

      const rotated = await other.rotate('office', { by: 'office', now: T0 });
      expect((await store.check(token('office'), T0)).ok).toBe(false);
      expect((await store.check(rotated!.token, T0)).ok).toBe(true);
    });

    it('adds tokens issued elsewhere and keeps everything across a reopen', async () => {
      const { store, openAnother } = await fresh();
      const extra = issueTokens(
        'c1',
        [],
        { name: '活动办', members: [{ id: 'office2', name: '李干事' }] },
        [],
        T0,
      ).issued;
      await store.add(extra, T0);
      await store.revoke({ personId: 'B-head' }, { by: 'cli', now: T0 });
      await store.close();
      opened.splice(opened.indexOf(store), 1);
      const again = await openAnother();
      expect(await again.check(extra[0]!.token, T0)).toMatchObject({
        ok: true,
        principal: { personId: 'office2', role: 'office' },
      });
      expect((await again.list()).find((t) => t.personId === 'B-head')).toMatchObject({ revokedBy: 'cli' });
      expect(again.groupOfUnit('C')).toBe('G2');
    });
  });
}
