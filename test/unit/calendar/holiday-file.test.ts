import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { holidayFileFormat, parseHolidayFile } from '../../../domain/calendar/holiday-file.js';
import { holidayYearDays, makeCalendar, nextWorkingDay } from '../../../domain/calendar/index.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../../examples');
const read = (f: string) => readFileSync(path.join(EXAMPLES, f), 'utf8');

function problemsOf(text: string, format: 'yaml' | 'ics' = 'yaml'): string[] {
  const r = parseHolidayFile(text, format);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

describe('holiday files (the office loads a year of the 国务院办公厅 arrangement)', () => {
  it('reads the 2027 YAML example: holidays by festival, 调休 days, the notice as source', () => {
    const r = parseHolidayFile(read('holidays-2027.yaml'), 'yaml');
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.year.year).toBe(2027);
    expect(r.year.source).toContain('国务院办公厅关于2027年部分节假日安排的通知');
    expect(r.year.holidays.map((h) => h.name)).toEqual([
      '元旦',
      '春节',
      '清明节',
      '劳动节',
      '端午节',
      '中秋节',
      '国庆节',
    ]);
    const days = holidayYearDays(r.year);
    // Every holiday is off, every 调休 day is a weekend day that works.
    const cal = makeCalendar({ kind: 'cn', overrides: days });
    for (const d of days) expect(cal.isWorkingDay(d.date)).toBe(d.working);
    expect(cal.coversYear(2027)).toBe(true);
    // A deadline on 元旦 moves to the first working day after the holiday.
    expect(nextWorkingDay(cal, '2027-01-01', true)).toBe('2027-01-04');
  });

  it('the ICS example (a feed marked 休 / 班) gives the same days as the YAML one', () => {
    const yaml = parseHolidayFile(read('holidays-2027.yaml'), 'yaml');
    const ics = parseHolidayFile(read('holidays-2027.ics'), holidayFileFormat('holidays-2027.ics'));
    if (!yaml.ok || !ics.ok) throw new Error('both examples must parse');
    expect(holidayYearDays(ics.year)).toEqual(holidayYearDays(yaml.year));
    expect(ics.year.source).toContain('国务院办公厅');
  });

  it('names the line and field of a bad date, a date outside the year, a duplicate and a day both off and on', () => {
    const text = [
      'year: 2027',
      'source: 国务院办公厅关于2027年部分节假日安排的通知',
      'holidays:',
      '  - name: 元旦',
      '    days: [2027-01-01, 2027-02-30, 2026-12-31, 2027-01-01]',
      'workdays:',
      '  - { name: 元旦调休上班, date: 2027-01-01 }',
      '  - { name: 春节调休上班, date: 2027-02-08 }',
    ].join('\n');
    const p = problemsOf(text);
    expect(p).toContain(
      '第 5 行 holidays[1].days[2]：日期「2027-02-30」不是有效日期（应写作 2027-01-01 这样的格式）',
    );
    expect(p.some((x) => x.includes('days[3]') && x.includes('2026-12-31 不在 2027 年内'))).toBe(true);
    expect(p.some((x) => x.includes('days[4]') && x.includes('2027-01-01 重复'))).toBe(true);
    expect(p.some((x) => x.startsWith('第 7 行') && x.includes('既是放假日又是调休上班日'))).toBe(true);
    // 2027-02-08 is a Monday: a 调休上班 day is always a weekend day.
    expect(p.some((x) => x.startsWith('第 8 行') && x.includes('是工作日'))).toBe(true);
  });

  it('refuses a file without year or source, and a YAML syntax error in one Chinese message', () => {
    const p = problemsOf('holidays:\n  - { name: 元旦, days: [2027-01-01] }\n');
    expect(p.some((x) => x.includes('year') && x.includes('应为年份'))).toBe(true);
    expect(p.some((x) => x.includes('source') && x.includes('请写明所依据的通知'))).toBe(true);
    const syntax = problemsOf('year: 2027\nholidays: [ { name: 元旦, days: [2027-01-01 }\n');
    expect(syntax).toHaveLength(1);
    expect(syntax[0]).toMatch(/^YAML 语法错误（第 \d+ 行/);
  });

  it('ICS: names the event of a broken DTSTART and asks for the source', () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:2027XX01',
      'SUMMARY:元旦 休',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const p = problemsOf(ics, 'ics');
    expect(p.some((x) => x.startsWith('第 2 行的事件') && x.includes('DTSTART'))).toBe(true);
    expect(p.some((x) => x.includes('缺少来源'))).toBe(true);
    expect(problemsOf('hello', 'ics')[0]).toContain('BEGIN:VCALENDAR');
  });
});
