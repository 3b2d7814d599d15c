import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerPlanCommands } from '../../../client/commands/plan.js';
import { buildSchedule } from '../../../domain/schedule/index.js';
import { foldLine, scheduleToIcs } from '../../../domain/schedule/ics.js';
import { loadFixturePlan } from './helpers.js';

const plan = loadFixturePlan('test/fixtures/plans-good/town_mini.yaml');
const schedule = buildSchedule(
  plan,
  { id: 'zhujing', type: 'town_office', flags: ['has_party_committee'] },
  '2009-09-01',
);

describe('iCalendar export', () => {
  const ics = scheduleToIcs(schedule, `${plan.title}（镇机关）`);
  const lines = ics.split('\r\n');

  it('uses CRLF only and folds every line to at most 75 octets', () => {
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const l of lines) expect(new TextEncoder().encode(l).length).toBeLessThanOrEqual(75);
  });

  it('unfolds back to the original text without breaking characters', () => {
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('SUMMARY:截止：4、制定实施方案');
    const long = `DESCRIPTION:${'审查把关'.repeat(40)}`;
    expect(foldLine(long).replace(/\r\n /g, '')).toBe(long);
  });

  it('has one event per task with a unique UID and one VALARM per reminder', () => {
    const uids = lines.filter((l) => l.startsWith('UID:'));
    expect(uids).toHaveLength(schedule.tasks.length);
    expect(new Set(uids).size).toBe(uids.length);
    const alarms = lines.filter((l) => l === 'BEGIN:VALARM').length;
    expect(alarms).toBe(schedule.tasks.reduce((n, t) => n + t.reminders.length, 0));
    expect(lines.filter((l) => l === 'BEGIN:VEVENT').length).toBe(
      lines.filter((l) => l === 'END:VEVENT').length,
    );
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    // The 调休 Sunday reminder in UTC.
    expect(lines).toContain('TRIGGER;VALUE=DATE-TIME:20090927T010000Z');
    expect(lines).toContain('DTEND:20090930T093000Z');
  });
});

describe('campaign plan check / preview', () => {
  let out = '';
  let err = '';
  const run = async (...args: string[]): Promise<number> => {
    out = '';
    err = '';
    process.exitCode = 0;
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    try {
      const program = new Command('campaign').exitOverride();
      registerPlanCommands(program);
      await program.parseAsync(['node', 'campaign', ...args]);
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    return code;
  };
  afterEach(() => {
    process.exitCode = 0;
  });

  it('check lists every error and exits 1', async () => {
    expect(await run('plan', 'check', 'test/fixtures/plans-bad/21-many-errors.yaml')).toBe(1);
    expect(
      err.split('\n').filter((l) => l.startsWith('test/fixtures/plans-bad/21-many-errors.yaml:')),
    ).toHaveLength(5);
    expect(err).toContain('共 5 处错误');
  });

  it('check passes a good plan', async () => {
    expect(await run('plan', 'check', 'test/fixtures/plans-good/town_mini.yaml')).toBe(0);
    expect(out).toContain('检查通过');
  });

  it('preview prints the unit’s calendar with weekdays and 调休 marks, and writes an ics file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-preview-'));
    const icsPath = join(dir, 'town.ics');
    const code = await run(
      'plan',
      'preview',
      'test/fixtures/plans-good/town_mini.yaml',
      '--unit-type',
      '镇机关',
      '--flags',
      '设党委',
      '--start',
      '2009-09-01',
      '--ics',
      icsPath,
    );
    expect(code).toBe(0);
    expect(out).toContain('【学习调研阶段】2009-09-01（周二） 09:00 至 2009-11-10（周二） 17:30');
    expect(out).toMatch(
      /制定实施方案 +2009-09-01（周二） 09:00 +2009-09-30（周三） 17:30 +指导组审查 +09-01周二、09-27周日\*、09-29周二、09-30周三/,
    );
    expect(out).toContain('2009-10-10（周六）* 17:30');
    expect(out).toContain('召开领导班子专题民主生活会');
    expect(readFileSync(icsPath, 'utf8')).toContain('BEGIN:VCALENDAR\r\n');
  });

  it('preview --json returns the schedule', async () => {
    expect(
      await run(
        'plan',
        'preview',
        'test/fixtures/plans-good/town_mini.yaml',
        '--unit-type',
        'town_office',
        '--start',
        '2009-09-01',
        '--json',
      ),
    ).toBe(0);
    const s = JSON.parse(out) as { tasks: { taskId: string; dueAt: string }[] };
    expect(s.tasks.find((t) => t.taskId === 'publicity')?.dueAt).toBe('2009-09-30T17:30:00+08:00');
    expect(s.tasks.map((t) => t.taskId)).not.toContain('democratic_life_meeting');
  });

  it('preview rejects an unknown unit type or flag in Chinese', async () => {
    expect(
      await run(
        'plan',
        'preview',
        'test/fixtures/plans-good/town_mini.yaml',
        '--unit-type',
        'town',
        '--start',
        '2009-09-01',
      ),
    ).toBe(1);
    expect(err).toContain('未知的单位类型「town」');
    expect(
      await run(
        'plan',
        'preview',
        'test/fixtures/plans-good/town_mini.yaml',
        '--unit-type',
        'town_office',
        '--flags',
        'x',
        '--start',
        '2009-09-01',
      ),
    ).toBe(1);
    expect(err).toContain('未知的单位标记「x」');
  });
});
