/** What every upload-record store must do (file in the unit project, PostgreSQL in the integration project). */
import { describe, expect, it } from 'vitest';
import type { UploadRecord, UploadRecords } from '../../../../client/api/upload-records.js';

export interface UploadRecordsFactory {
  open(): Promise<{ records: UploadRecords; reopen: () => Promise<UploadRecords> }>;
}

const rec = (over: Partial<UploadRecord>): UploadRecord => ({
  campaignId: 'c1',
  unitId: 'U01',
  ref: `sha256:${'a'.repeat(64)}`,
  filename: '实施方案.pdf',
  size: 1234,
  uploadedBy: 'U01-liaison',
  uploadedAt: '2009-09-20T02:00:00.000Z',
  ...over,
});

export function uploadRecordsContract(name: string, factory: UploadRecordsFactory): void {
  describe(`upload records contract: ${name}`, () => {
    it("lists a unit's uploads oldest first, once per file and name, and keeps them across a reopen", async () => {
      const { records, reopen } = await factory.open();
      expect(await records.record(rec({}))).toBe(true);
      expect(await records.record(rec({ uploadedAt: '2009-09-21T02:00:00.000Z' }))).toBe(false);
      expect(
        await records.record(
          rec({ filename: '实施方案（修改稿）.pdf', uploadedAt: '2009-09-22T02:00:00.000Z' }),
        ),
      ).toBe(true);
      expect(await records.record(rec({ unitId: 'U02', uploadedBy: 'U02-liaison' }))).toBe(true);
      expect(await records.record(rec({ campaignId: 'c2' }))).toBe(true);
      const u01 = await records.list('c1', 'U01');
      expect(u01.map((r) => [r.filename, r.uploadedAt])).toEqual([
        ['实施方案.pdf', '2009-09-20T02:00:00.000Z'],
        ['实施方案（修改稿）.pdf', '2009-09-22T02:00:00.000Z'],
      ]);
      expect(u01[0]).toEqual(rec({}));
      expect((await records.list('c1', 'U02')).map((r) => r.uploadedBy)).toEqual(['U02-liaison']);
      expect(await records.list('c1', 'U03')).toEqual([]);
      await records.close();
      const again = await reopen();
      expect(await again.list('c1', 'U01')).toEqual(u01);
      expect(await again.record(rec({}))).toBe(false);
      await again.close();
    });
  });
}
