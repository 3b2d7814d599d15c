import { describe, expect, it } from 'vitest';
import { CN_DAYS_COVERED } from '../../../domain/calendar/index.js';
import { buildSchedule, calendarForPlan, missingHolidayYearWarning } from '../../../domain/schedule/index.js';
import { loadFixturePlan } from './helpers.js';

// Windows relative to the start (+0d … +60d): started in December it runs into the next year.
const plan = loadFixturePlan('test/fixtures/plans-good/staged_mini.yaml');
const unit = { id: 'zhujing', type: 'town_office' as const, flags: [] };
// Pinned: the first year after the holiday table, so the test means the same on any day it runs.
const firstUnknown = CN_DAYS_COVERED.to + 1;

describe('a schedule that runs into a year without public-holiday data', () => {
  it('names every such year, once, in order, and says so in Chinese', () => {
    const s = buildSchedule(plan, unit, `${firstUnknown - 1}-12-01`);
    expect(s.missingHolidayYears).toEqual([firstUnknown]);
    expect(s.warnings).toContain(missingHolidayYearWarning(firstUnknown));
    expect(missingHolidayYearWarning(firstUnknown)).toBe(
      `日历缺少 ${firstUnknown} 年的法定节假日和调休数据，该年按周一至周五计算，可能把期限排在节假日；请用 campaign calendar add 载入该年的国务院办公厅节假日安排（或在控制台“节假日安排”中上传），或在计划的 calendar.overrides 中补充`,
    );
  });

  it('names none once the office has loaded that year (stored years join the plan calendar)', () => {
    const days = [{ date: `${firstUnknown}-01-01`, working: false, note: '元旦' }];
    const s = buildSchedule(plan, unit, `${firstUnknown - 1}-12-01`, calendarForPlan(plan, days));
    expect(s.missingHolidayYears).toEqual([]);
  });

  it('names none for a campaign inside the known years', () => {
    const s = buildSchedule(plan, unit, '2009-03-02');
    expect(s.missingHolidayYears).toEqual([]);
    expect(s.warnings.some((w) => w.startsWith('日历缺少'))).toBe(false);
  });
});
