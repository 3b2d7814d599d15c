import { describe, expect, it } from 'vitest';
import {
  AccessDenied,
  API_ACTIONS,
  type ApiAction,
  ROLE_MATRIX,
  requireCampaign,
  requireUnitAccess,
} from '../../../client/api/access.js';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { hashToken, issueTokens } from '../../../client/api/tokens.js';
import type { RosterUnit } from '../../../domain/roster/types.js';

const unit = (id: string, groupId: string): RosterUnit => ({
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
      { name: `${groupId}组长`, role: 'leader', sourceRow: 2, email: `${groupId}@g.cn` },
      { name: `${groupId}成员`, role: 'member', sourceRow: 3 },
    ],
  },
  sourceRow: 2,
});

const { store, issued } = issueTokens(
  'c1',
  [unit('A', 'G1'), unit('B', 'G1'), unit('C', 'G2')],
  { name: '活动办', members: [{ id: 'office', name: '孙主任' }] },
  ['study'],
);
const tokens = new FileTokenStore(store);
const checked = new Map(
  await Promise.all(issued.map(async (t) => [t.personId, await tokens.check(t.token)] as const)),
);
const principal = (personId: string) => {
  const c = checked.get(personId);
  if (!c?.ok) throw new Error(`no principal for ${personId}`);
  return c.principal;
};

describe('tokens', () => {
  it('issues one token per office member, group member, liaison and head, and stores only hashes', () => {
    expect(issued.map((t) => t.personId)).toEqual([
      'office',
      'G1-m1',
      'G1-m2',
      'A-liaison',
      'A-head',
      'B-liaison',
      'B-head',
      'G2-m1',
      'G2-m2',
      'C-liaison',
      'C-head',
    ]);
    const file = JSON.stringify(store);
    for (const t of issued) {
      expect(file).not.toContain(t.token);
      expect(file).toContain(hashToken(t.token));
    }
    expect(new Set(issued.map((t) => t.token)).size).toBe(issued.length);
    expect(store.unitGroups).toEqual({ A: 'G1', B: 'G1', C: 'G2' });
  });

  it('authenticates a token to its person, role and reach; rejects anything else', async () => {
    expect(principal('A-liaison')).toEqual({
      role: 'unit',
      personId: 'A-liaison',
      name: 'A联络员',
      campaignId: 'c1',
      unitId: 'A',
    });
    expect(principal('G2-m2')).toEqual({
      role: 'group',
      personId: 'G2-m2',
      name: 'G2成员',
      campaignId: 'c1',
      groupId: 'G2',
    });
    expect(await tokens.check('co_guess')).toEqual({ ok: false, reason: 'unknown' });
    expect(await tokens.check(hashToken(issued[0]!.token))).toEqual({ ok: false, reason: 'unknown' });
  });
});

describe('role and unit checks', () => {
  const allowed = (person: string, action: ApiAction, unitId: string) => {
    try {
      requireUnitAccess(principal(person), action, unitId, tokens);
      return true;
    } catch (e) {
      expect(e).toBeInstanceOf(AccessDenied);
      return false;
    }
  };

  it('a unit reaches only itself, and only to view, submit, ask for more time (延期申请), upload and download its archive', () => {
    for (const action of API_ACTIONS) {
      expect(allowed('A-head', action, 'A'), action).toBe(
        ['view', 'submit', 'requestExtension', 'upload', 'archive'].includes(action),
      );
      expect(allowed('A-head', action, 'B'), action).toBe(false);
    }
  });

  it('a 指导组 member reaches its own units for review, acknowledge, extend, deciding 延期申请, gap items, survey, 督导记录, viewing and archives', () => {
    const groupActions = API_ACTIONS.filter((a) => ROLE_MATRIX[a].includes('group'));
    expect([...groupActions].sort()).toEqual(
      [
        'view',
        'review',
        'acknowledge',
        'extend',
        'decideExtension',
        'addGap',
        'survey',
        'supervise',
        'dashboard',
        'archive',
      ].sort(),
    );
    for (const action of API_ACTIONS) {
      expect(allowed('G1-m2', action, 'B'), action).toBe(groupActions.includes(action));
      expect(allowed('G1-m2', action, 'C'), action).toBe(false);
    }
  });

  it('the office reaches every unit for everything but submitting and asking for more time, which are the unit’s', () => {
    for (const action of API_ACTIONS)
      for (const u of ['A', 'C'])
        expect(allowed('office', action, u), action).toBe(
          action !== 'submit' && action !== 'requestExtension',
        );
  });

  it('names the role, the action and the unit in the refusal', () => {
    expect(() => requireUnitAccess(principal('A-liaison'), 'review', 'A', tokens)).toThrow(
      '参学单位无权审查材料',
    );
    expect(() => requireUnitAccess(principal('A-liaison'), 'view', 'C', tokens)).toThrow(
      '只能查看单位进度本单位（A），无权访问单位「C」',
    );
    expect(() => requireUnitAccess(principal('G2-m1'), 'review', 'A', tokens)).toThrow(
      '单位「A」不归本指导组（G2）联系，无权审查材料',
    );
    expect(() => requireCampaign(principal('office'), 'c2')).toThrow(
      '令牌属于活动「c1」，不能访问活动「c2」',
    );
  });
});
