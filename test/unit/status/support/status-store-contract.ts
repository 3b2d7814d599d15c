/**
 * What every status read-model store must do, written once and run against each store (SQLite in
 * the unit project, PostgreSQL in the integration project).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusStore, UnitStatusRecord } from '../../../../activities/status/status-store.js';
import type { UnitCampaignStatus } from '../../../../workflows/unit-campaign/messages.js';
import { boardContract, boardConvergenceContract } from './board-contract.js';
import { healthCacheContract } from './health-contract.js';

export interface StatusStoreFactory {
  /** A fresh, empty store, and a second handle on the same data (another worker or API process). */
  open(): Promise<{ store: StatusStore; openAnother(): Promise<StatusStore> }>;
}

function status(unitId: string, stage: string, text = '活动启动'): UnitCampaignStatus {
  return {
    campaignId: 'c1',
    unitId,
    unitName: `单位${unitId}`,
    planId: 'town_office',
    phase: 'running',
    stage,
    stages: [],
    tasks: [],
    overdueCount: 0,
    openEscalations: [],
    surveys: [],
    remedialRound: 0,
    lookBackDone: false,
    timeline: [{ at: '2009-09-01T01:00:00.000Z', kind: 'kickoff', text }],
    timelineDropped: 0,
    run: 1,
  };
}

function record(
  unitId: string,
  run: number,
  seq: number,
  o: Partial<UnitStatusRecord> = {},
): UnitStatusRecord {
  return {
    campaignId: 'c1',
    unitId,
    run,
    seq,
    groupId: 'G1',
    unitType: 'town_office',
    phase: 'running',
    stage: 'study',
    remedialRound: 0,
    asOf: '2009-09-01T09:00:00+08:00',
    status: status(unitId, o.stage ?? 'study', `第 ${run}.${seq} 次发布`),
    ...o,
  };
}

export function statusStoreContract(name: string, factory: StatusStoreFactory): void {
  describe(`status read model contract: ${name}`, () => {
    const opened: StatusStore[] = [];
    async function fresh() {
      const r = await factory.open();
      opened.push(r.store);
      return {
        store: r.store,
        another: async () => {
          const s = await r.openAnother();
          opened.push(s);
          return s;
        },
      };
    }
    afterEach(async () => {
      for (const s of opened.splice(0).reverse()) await s.close();
    });

    it('keeps the newest publish by (run, seq): an older or repeated one is ignored, a later run wins over a higher seq', async () => {
      const { store } = await fresh();
      expect(await store.publish(record('u1', 1, 5, { stage: 'analysis' }))).toBe('stored');
      expect(await store.publish(record('u1', 1, 4, { stage: 'study' }))).toBe('stale');
      expect(await store.publish(record('u1', 1, 5, { stage: 'study' }))).toBe('stale');
      expect((await store.get('c1', 'u1'))?.stage).toBe('analysis');
      expect(await store.publish(record('u1', 2, 1, { stage: 'rectification' }))).toBe('stored');
      expect(await store.publish(record('u1', 1, 99, { stage: 'study' }))).toBe('stale');
      const got = await store.get('c1', 'u1');
      expect(got).toMatchObject({ run: 2, seq: 1, stage: 'rectification' });
      expect(got?.status.timeline[0]?.text).toBe('第 2.1 次发布');
    });

    it('round-trips every field, instants in UTC', async () => {
      const { store } = await fresh();
      const r = record('u2', 1, 1, {
        earliestDueAt: '2009-09-15T17:30:00+08:00',
        nextWakeAt: '2009-09-14T09:00:00+08:00',
        remedialRound: 1,
        phase: 'paused',
        groupName: '第一指导组',
      });
      await store.publish(r);
      expect(await store.get('c1', 'u2')).toEqual({
        ...r,
        earliestDueAt: '2009-09-15T09:30:00.000Z',
        nextWakeAt: '2009-09-14T01:00:00.000Z',
        asOf: '2009-09-01T01:00:00.000Z',
      });
      expect(await store.get('c1', 'nobody')).toBeUndefined();
      expect(await store.get('other-campaign', 'u2')).toBeUndefined();
    });

    it('lists a campaign by unit id, by group and by unit ids; another handle sees the same rows', async () => {
      const { store, another } = await fresh();
      await store.publish(record('u3', 1, 1, { groupId: 'G2' }));
      await store.publish(record('u1', 1, 1));
      await store.publish(record('u2', 1, 1));
      await store.publish({ ...record('u9', 1, 1), campaignId: 'c2' });
      const other = await another();
      expect((await other.list('c1')).map((r) => r.unitId)).toEqual(['u1', 'u2', 'u3']);
      expect((await other.list('c1', { groupId: 'G2' })).map((r) => r.unitId)).toEqual(['u3']);
      expect((await other.list('c1', { unitIds: ['u3', 'u1', 'zz'] })).map((r) => r.unitId)).toEqual([
        'u1',
        'u3',
      ]);
      expect((await other.list('c2')).map((r) => r.unitId)).toEqual(['u9']);
    });

    it('finds running units whose own next wake-up has passed (and only those)', async () => {
      const { store } = await fresh();
      await store.publish(record('late', 1, 1, { nextWakeAt: '2009-09-14T01:00:00Z' }));
      await store.publish(record('soon', 1, 1, { nextWakeAt: '2009-09-20T01:00:00Z' }));
      await store.publish(record('idle', 1, 1));
      await store.publish(record('paused', 1, 1, { phase: 'paused', nextWakeAt: '2009-09-10T01:00:00Z' }));
      await store.publish(record('done', 1, 1, { phase: 'completed', nextWakeAt: '2009-09-10T01:00:00Z' }));
      expect((await store.overdueWakeUps('c1', '2009-09-15T00:00:00.000Z')).map((r) => r.unitId)).toEqual([
        'late',
      ]);
    });

    healthCacheContract(fresh, record);
    boardContract(fresh);
    boardConvergenceContract(fresh);
  });
}
