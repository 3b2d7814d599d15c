import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  isMakeUpWorkday,
  makeCalendar,
  nextWorkingDay,
  previousWorkingDay,
  shiftDeadline,
  workingDaysBefore,
  workingDaysBetween,
  reminderOn,
  nextOfficeMoment,
  isInOfficeHours,
  CN_DAYS_COVERED,
} from '../../../domain/calendar/index.js';

const cal = makeCalendar({ kind: 'cn' });

describe('Chinese working days 2009–2010 (the seeds’ batch 3)', () => {
  it('knows the 2009 National Day holiday and its 调休 days', () => {
    for (const d of ['2009-10-01', '2009-10-02', '2009-10-05', '2009-10-08'])
      expect(cal.isWorkingDay(d)).toBe(false);
    expect(cal.isWorkingDay('2009-09-27')).toBe(true); // Sunday, 调休上班
    expect(cal.isWorkingDay('2009-10-10')).toBe(true); // Saturday, 调休上班
    expect(cal.isWorkingDay('2009-10-09')).toBe(true);
    expect(cal.isWorkingDay('2009-10-11')).toBe(false); // ordinary Sunday
    expect(cal.dayInfo('2009-10-01').name).toBe('国庆节');
    expect(isMakeUpWorkday(cal, '2009-09-27')).toBe(true);
    expect(isMakeUpWorkday(cal, '2009-09-28')).toBe(false);
  });

  it('knows the 2010 Spring Festival and its 调休 days', () => {
    for (const d of ['2010-02-13', '2010-02-15', '2010-02-19']) expect(cal.isWorkingDay(d)).toBe(false);
    expect(cal.isWorkingDay('2010-02-20')).toBe(true);
    expect(cal.isWorkingDay('2010-02-21')).toBe(true);
    expect(cal.isWorkingDay('2010-02-12')).toBe(true);
    expect(cal.dayInfo('2010-02-15').name).toBe('春节');
  });

  it('counts "N working days before" over working days only, 调休 weekends included', () => {
    expect(workingDaysBefore(cal, '2009-09-30', 3)).toBe('2009-09-27'); // 29, 28, Sun 27 (调休)
    expect(workingDaysBefore(cal, '2009-10-12', 3)).toBe('2009-09-30'); // Sat 10 (调休), Fri 9, then 1–8 are holidays
    expect(workingDaysBefore(cal, '2009-10-12', 1)).toBe('2009-10-10');
  });

  it('steps across the Spring Festival', () => {
    expect(workingDaysBefore(cal, '2010-02-20', 1)).toBe('2010-02-12');
    expect(workingDaysBefore(cal, '2010-02-22', 2)).toBe('2010-02-20');
    expect(addWorkingDays(cal, '2010-02-12', 1)).toBe('2010-02-20');
    expect(addWorkingDays(cal, '2010-02-12', 3)).toBe('2010-02-22');
    expect(nextWorkingDay(cal, '2010-02-13', true)).toBe('2010-02-20');
    expect(previousWorkingDay(cal, '2010-02-19', true)).toBe('2010-02-12');
    expect(workingDaysBetween(cal, '2010-02-12', '2010-02-22')).toBe(2);
  });

  it('moves a deadline off a holiday per the plan’s rule', () => {
    expect(shiftDeadline(cal, '2009-10-01', 'previous_working_day')).toBe('2009-09-30');
    expect(shiftDeadline(cal, '2009-10-01', 'next_working_day')).toBe('2009-10-09');
    expect(shiftDeadline(cal, '2009-10-01', 'keep')).toBe('2009-10-01');
    expect(shiftDeadline(cal, '2009-10-10', 'previous_working_day')).toBe('2009-10-10'); // 调休 Saturday is a working day
    expect(shiftDeadline(cal, '2010-02-15', 'next_working_day')).toBe('2010-02-20');
  });

  it('puts a due-morning reminder on a working day within office hours', () => {
    expect(reminderOn(cal, '2010-02-20', '09:00')).toBe('2010-02-20T09:00:00+08:00');
    expect(reminderOn(cal, '2010-02-15', '09:00')).toBe('2010-02-12T09:00:00+08:00'); // holiday → previous working day
    expect(reminderOn(cal, '2009-09-28', '07:00')).toBe('2009-09-28T09:00:00+08:00'); // before office hours → opening
    expect(nextOfficeMoment(cal, '2009-09-30T18:00:00+08:00')).toBe('2009-10-09T09:00:00+08:00');
    expect(isInOfficeHours(cal, '2009-09-27T10:00:00+08:00')).toBe(true);
    expect(isInOfficeHours(cal, '2009-10-11T10:00:00+08:00')).toBe(false);
  });

  it('covers 2004–2026 from the package and more years through overrides', () => {
    expect(CN_DAYS_COVERED.from).toBeLessThanOrEqual(2009);
    expect(cal.coversYear(2009)).toBe(true);
    expect(cal.coversYear(2030)).toBe(false);
    // A year the package lacks: the office adds the notice's days.
    const ext = makeCalendar({
      kind: 'cn',
      overrides: [
        { date: '2030-10-01', working: false, note: '国庆节' },
        { date: '2030-09-29', working: true, note: '国庆节调休' },
      ],
    });
    expect(ext.coversYear(2030)).toBe(true);
    expect(ext.isWorkingDay('2030-10-01')).toBe(false); // a Tuesday
    expect(ext.isWorkingDay('2030-09-29')).toBe(true); // a Sunday
    expect(ext.dayInfo('2030-10-01')).toMatchObject({ source: 'override', name: '国庆节' });
    expect(cal.isWorkingDay('2030-10-01')).toBe(true);
    // An override also corrects a covered year.
    const local = makeCalendar({
      kind: 'cn',
      overrides: [{ date: '2009-10-09', working: false, note: '本地调整' }],
    });
    expect(local.isWorkingDay('2009-10-09')).toBe(false);
    expect(workingDaysBefore(local, '2009-10-12', 1)).toBe('2009-10-10');
  });

  it('weekdays and continuous calendars ignore holidays', () => {
    const wk = makeCalendar({ kind: 'weekdays' });
    expect(wk.isWorkingDay('2009-10-01')).toBe(true);
    expect(wk.isWorkingDay('2009-09-27')).toBe(false);
    const cont = makeCalendar({ kind: 'continuous' });
    expect(cont.isWorkingDay('2009-10-03')).toBe(true);
    expect(isInOfficeHours(cont, '2009-10-03T03:00:00+08:00')).toBe(true);
  });

  it('gives the same answers whatever the machine’s time zone (chinese-days alone does not)', () => {
    const script = `import('./domain/calendar/index.ts').then((m) => { const c = m.makeCalendar({ kind: 'cn' });
      console.log(['2009-09-27','2009-10-09','2009-10-10','2009-10-11','2010-02-21','2010-02-22','2010-03-15'].map((d) => c.isWorkingDay(d) ? 1 : 0).join('')); });`;
    for (const tz of ['America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati']) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      });
      expect(out.trim(), tz).toBe('1110111');
    }
  });
});
