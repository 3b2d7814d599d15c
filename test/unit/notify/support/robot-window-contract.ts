/**
 * The behaviour every shared robot window store must show, written once and run against each store
 * (SQLite in the unit project, PostgreSQL in the integration project).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  SLOT_RETENTION_MS,
  type RobotWindowStore,
  type SlotReservation,
} from '../../../../activities/notify/log/robot-window.js';

export interface RobotWindowStoreFactory {
  /** A fresh, empty store, plus a way to open a second handle on the same data (a second worker). */
  open(): Promise<{ store: RobotWindowStore; openAnother(): Promise<RobotWindowStore> }>;
}

const T0 = Date.UTC(2009, 11, 9, 2, 0, 0);
const ROBOT = 'wecom:0123456789abcdef';
const OTHER = 'dingtalk:fedcba9876543210';

const taken = (r: SlotReservation) => r.kind === 'taken';

export function robotWindowContract(name: string, factory: RobotWindowStoreFactory): void {
  describe(`robot window contract: ${name}`, () => {
    const opened: RobotWindowStore[] = [];
    async function fresh() {
      const r = await factory.open();
      opened.push(r.store);
      return {
        store: r.store,
        openAnother: async () => {
          const s = await r.openAnother();
          opened.push(s);
          return s;
        },
      };
    }
    afterEach(async () => {
      for (const s of opened.splice(0).reverse()) await s.close();
    });

    it('takes up to the limit inside a window, then names the instant the oldest slot leaves; old slots are pruned', async () => {
      const { store } = await fresh();
      const rule = { limit: 3, windowMs: 1_000 };
      for (const at of [0, 100, 200]) expect((await store.reserve(ROBOT, T0 + at, rule)).kind).toBe('taken');
      expect(await store.reserve(ROBOT, T0 + 300, rule)).toEqual({ kind: 'wait', until: T0 + 1_000 });
      expect(await store.reserve(ROBOT, T0 + 999, rule)).toEqual({ kind: 'wait', until: T0 + 1_000 });
      // A wait takes nothing.
      expect((await store.slots(ROBOT)).map((s) => s.at)).toEqual([T0, T0 + 100, T0 + 200]);
      expect((await store.reserve(ROBOT, T0 + 1_000, rule)).kind).toBe('taken');
      expect((await store.slots(ROBOT)).map((s) => [s.at, s.weight])).toEqual([
        [T0 + 100, 1],
        [T0 + 200, 1],
        [T0 + 1_000, 1],
      ]);
    });

    it('at the real defaults (20 in 61 s): 20 requests spread over a minute, the 21st waits for the first to age out', async () => {
      const { store } = await fresh();
      const rule = { limit: 20, windowMs: 61_000 };
      const results: SlotReservation[] = [];
      for (let i = 0; i < 20; i++) results.push(await store.reserve(ROBOT, T0 + i * 3_000, rule));
      expect(results.every(taken)).toBe(true);
      expect(await store.reserve(ROBOT, T0 + 60_000, rule)).toEqual({ kind: 'wait', until: T0 + 61_000 });
      expect((await store.reserve(ROBOT, T0 + 61_000, rule)).kind).toBe('taken');
      expect(await store.reserve(ROBOT, T0 + 62_000, rule)).toEqual({ kind: 'wait', until: T0 + 64_000 });
    });

    it('each robot has its own window', async () => {
      const { store } = await fresh();
      const rule = { limit: 2, windowMs: 1_000 };
      await store.reserve(ROBOT, T0, rule);
      await store.reserve(ROBOT, T0, rule);
      expect((await store.reserve(ROBOT, T0 + 1, rule)).kind).toBe('wait');
      expect((await store.reserve(OTHER, T0 + 1, rule)).kind).toBe('taken');
      expect(await store.slots(OTHER)).toHaveLength(1);
    });

    it('a completed request counts from its reply, never earlier; a slot pruned meanwhile is put back', async () => {
      const { store } = await fresh();
      const rule = { limit: 1, windowMs: 1_000 };
      const r = await store.reserve(ROBOT, T0, rule);
      if (r.kind !== 'taken') throw new Error('expected a slot');
      await store.complete(ROBOT, r.slotId, T0 + 400);
      await store.complete(ROBOT, r.slotId, T0 + 100); // a late, older stamp does not shorten the wait
      expect(await store.reserve(ROBOT, T0 + 1_000, rule)).toEqual({ kind: 'wait', until: T0 + 1_400 });

      const other = await store.reserve(OTHER, T0, rule);
      if (other.kind !== 'taken') throw new Error('expected a slot');
      expect((await store.reserve(OTHER, T0 + 1_000, rule)).kind).toBe('taken'); // prunes the first
      const second = (await store.slots(OTHER))[0];
      await store.complete(OTHER, other.slotId, T0 + 1_200); // its reply came after the window
      expect((await store.slots(OTHER)).map((s) => s.at).sort((a, b) => a - b)).toEqual([
        T0 + 1_000,
        T0 + 1_200,
      ]);
      expect(second?.at).toBe(T0 + 1_000);
    });

    it('a provider block fills the whole window with one row, whatever was held before', async () => {
      const { store } = await fresh();
      const rule = { limit: 20, windowMs: 61_000 };
      await store.block(ROBOT, T0, rule);
      expect(await store.reserve(ROBOT, T0 + 1, rule)).toEqual({ kind: 'wait', until: T0 + 61_000 });
      expect(await store.reserve(ROBOT, T0 + 60_999, rule)).toEqual({ kind: 'wait', until: T0 + 61_000 });
      expect((await store.reserve(ROBOT, T0 + 61_000, rule)).kind).toBe('taken');
      expect(await store.slots(ROBOT)).toHaveLength(1);
    });

    it('two workers share one window: their reservations count together, also when they race', async () => {
      const { store, openAnother } = await fresh();
      const second = await openAnother();
      const rule = { limit: 4, windowMs: 2_000 };
      expect((await store.reserve(ROBOT, T0, rule)).kind).toBe('taken');
      expect((await second.reserve(ROBOT, T0 + 10, rule)).kind).toBe('taken');
      expect((await store.reserve(ROBOT, T0 + 20, rule)).kind).toBe('taken');
      expect((await second.reserve(ROBOT, T0 + 30, rule)).kind).toBe('taken');
      expect(await store.reserve(ROBOT, T0 + 40, rule)).toEqual({ kind: 'wait', until: T0 + 2_000 });
      expect(await second.reserve(ROBOT, T0 + 40, rule)).toEqual({ kind: 'wait', until: T0 + 2_000 });

      const race = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          (i % 2 === 0 ? store : second).reserve(OTHER, T0 + 100, { limit: 5, windowMs: 2_000 }),
        ),
      );
      expect(race.filter(taken)).toHaveLength(5);
      expect(race.filter((r) => r.kind === 'wait')).toHaveLength(11);
      expect(await second.slots(OTHER)).toHaveLength(5);
      expect(new Set(race.flatMap((r) => (r.kind === 'taken' ? [r.slotId] : []))).size).toBe(5);
    });

    it('slots of robots nobody writes to any more are swept after the longest window', async () => {
      const { store } = await fresh();
      const rule = { limit: 2, windowMs: 1_000 };
      await store.reserve(OTHER, T0, rule);
      await store.reserve(ROBOT, T0 + SLOT_RETENTION_MS + 1, rule);
      expect(await store.slots(OTHER)).toEqual([]);
    });
  });
}
