/**
 * What every progress store must do (file in the unit project, PostgreSQL in the integration
 * project): at most one sample per interval, oldest first, only the newest kept, and a restart
 * continuing the same curve.
 */
import { describe, expect, it } from 'vitest';
import type { ProgressStore } from '../../../../app/progress-history.js';
import type { CampaignOverview } from '../../../../app/visibility.js';

export interface ProgressStoreFactory {
  /** A fresh store reading `now()` for its clock; `reopen` is a new instance on the same data (a restart). */
  open(o: {
    intervalMs: number;
    maxSamples: number;
    now: () => number;
  }): Promise<{ store: ProgressStore; reopen: () => Promise<ProgressStore> }>;
}

export const overviewOf = (study: number, overdue = 0): CampaignOverview => ({
  campaignId: 'c',
  total: study,
  running: study,
  overdueUnits: overdue,
  byStage: [{ value: 'study', count: study }],
  byUnitType: [],
  byGroup: [],
  byRemedialRound: [{ value: '1', count: 1 }],
  method: 'group_by',
  queries: 0,
  elapsedMs: 0,
});

export function progressHistoryContract(name: string, factory: ProgressStoreFactory): void {
  describe(`progress store contract: ${name}`, () => {
    it('records at most one sample per interval, per campaign, oldest first', async () => {
      let t = Date.parse('2009-09-15T01:00:00Z');
      const { store } = await factory.open({ intervalMs: 5000, maxSamples: 100, now: () => t });
      expect(await store.samples('c/1')).toEqual([]);
      expect(await store.record('c/1', overviewOf(3, 1))).toBe(true);
      t += 4999;
      expect(await store.record('c/1', overviewOf(4))).toBe(false);
      expect(await store.record('c/2', overviewOf(9))).toBe(true);
      t += 1;
      expect(await store.record('c/1', overviewOf(5))).toBe(true);
      expect(await store.samples('c/1')).toEqual([
        { at: '2009-09-15T01:00:00.000Z', byStage: { study: 3 }, overdue: 1, remedial: 1 },
        { at: '2009-09-15T01:00:05.000Z', byStage: { study: 5 }, overdue: 0, remedial: 1 },
      ]);
      expect((await store.samples('c/2')).map((s) => s.byStage.study)).toEqual([9]);
      expect(store.intervalMs).toBe(5000);
      await store.close();
    });

    it('keeps only the newest samples, and a restart continues the same curve and interval', async () => {
      let t = Date.parse('2009-09-15T01:00:00Z');
      const { store, reopen } = await factory.open({ intervalMs: 1, maxSamples: 3, now: () => t });
      for (let i = 1; i <= 12; i++) {
        t += 1000;
        expect(await store.record('c/1', overviewOf(i))).toBe(true);
        expect((await store.samples('c/1')).length).toBeLessThanOrEqual(3);
      }
      expect((await store.samples('c/1')).map((s) => s.byStage.study)).toEqual([10, 11, 12]);
      await store.close();
      const again = await reopen();
      expect((await again.samples('c/1')).map((s) => s.byStage.study)).toEqual([10, 11, 12]);
      expect(await again.record('c/1', overviewOf(13))).toBe(false);
      t += 1;
      expect(await again.record('c/1', overviewOf(13))).toBe(true);
      expect((await again.samples('c/1')).map((s) => s.byStage.study)).toEqual([11, 12, 13]);
      await again.close();
    });
  });
}
