/**
 * What every holiday-year store must do, written once and run against each store (SQLite in the
 * unit project, PostgreSQL in the integration project).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HolidayYear } from '../../../../domain/calendar/index.js';
import { calendarYearData, type CalendarStore } from '../../../../app/calendar/store.js';

export interface CalendarStoreFactory {
  /** A fresh, empty store, and a second handle on the same data (another API process). */
  open(): Promise<{ store: CalendarStore; openAnother(): Promise<CalendarStore> }>;
}

const Y2027: HolidayYear = {
  year: 2027,
  source: '国务院办公厅关于2027年部分节假日安排的通知',
  holidays: [{ name: '元旦', days: ['2027-01-01', '2027-01-02', '2027-01-03'] }],
  workdays: [{ name: '春节调休上班', date: '2027-02-14' }],
};

export function calendarStoreContract(name: string, factory: CalendarStoreFactory): void {
  describe(`holiday-year store (${name})`, () => {
    const open: CalendarStore[] = [];
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });
    async function fresh() {
      const r = await factory.open();
      open.push(r.store);
      return r;
    }

    it('keeps each different file for a year as its next version, with who, when and which notice', async () => {
      const { store } = await fresh();
      const first = await store.add(Y2027, 'office-wang', '2026-12-02T06:00:00.000Z');
      expect(first).toMatchObject({
        added: true,
        stored: { year: 2027, version: 1, addedBy: 'office-wang' },
      });
      expect(first.stored.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      const corrected: HolidayYear = { ...Y2027, holidays: [{ name: '元旦', days: ['2027-01-01'] }] };
      const second = await store.add(corrected, 'office-li', '2026-12-03T06:00:00.000Z');
      expect(second).toMatchObject({ added: true, stored: { version: 2, addedBy: 'office-li' } });
      expect(second.stored.hash).not.toBe(first.stored.hash);
      expect((await store.latest()).map((y) => [y.year, y.version])).toEqual([[2027, 2]]);
      expect((await store.history()).map((y) => y.version)).toEqual([2, 1]);
      expect((await store.latest())[0]!.content).toEqual(corrected);
    });

    it('the same content again is no new version', async () => {
      const { store } = await fresh();
      await store.add(Y2027, 'office-wang', '2026-12-02T06:00:00.000Z');
      const again = await store.add({ ...Y2027 }, 'office-li', '2026-12-02T07:00:00.000Z');
      expect(again).toMatchObject({ added: false, stored: { version: 1, addedBy: 'office-wang' } });
      expect(await store.history()).toHaveLength(1);
    });

    it('years are kept apart, and another process sees what one stored', async () => {
      const r = await fresh();
      const store = r.store;
      await store.add(Y2027, 'office-wang', '2026-12-02T06:00:00.000Z');
      await store.add(
        { ...Y2027, year: 2028, holidays: [{ name: '元旦', days: ['2028-01-01'] }], workdays: [] },
        'office-wang',
        '2026-12-02T06:10:00.000Z',
      );
      const other = await r.openAnother();
      open.push(other);
      const latest = await other.latest();
      expect(latest.map((y) => [y.year, y.version])).toEqual([
        [2027, 1],
        [2028, 1],
      ]);
      // What a workflow receives: the dates only, holidays off and 调休 days on.
      expect(calendarYearData(latest[0]!).days).toEqual([
        { date: '2027-01-01', working: false, note: '元旦' },
        { date: '2027-01-02', working: false, note: '元旦' },
        { date: '2027-01-03', working: false, note: '元旦' },
        { date: '2027-02-14', working: true, note: '春节调休上班' },
      ]);
    });

    it('two adds of one year at once take versions 1 and 2', async () => {
      const r = await fresh();
      const store = r.store;
      const other = await r.openAnother();
      open.push(other);
      const b: HolidayYear = { ...Y2027, source: `${Y2027.source}（修订）` };
      const [x, y] = await Promise.all([
        store.add(Y2027, 'a', '2026-12-02T06:00:00.000Z'),
        other.add(b, 'b', '2026-12-02T06:00:00.000Z'),
      ]);
      expect([x.stored.version, y.stored.version].sort()).toEqual([1, 2]);
    });
  });
}
