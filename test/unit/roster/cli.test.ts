import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChannelList, registerRosterCommands, runRosterCheck } from '../../../client/commands/roster.js';
import { makeSampleRoster } from '../../../examples/make-sample-roster.js';

const root = join(import.meta.dirname, '../../..');
const bad = join(root, 'test/fixtures/rosters-bad');

async function run(file: string, opts: Parameters<typeof runRosterCheck>[1]) {
  const lines: string[] = [];
  const code = await runRosterCheck(file, opts, (l) => lines.push(l));
  return { code, lines, text: lines.join('\n') };
}

describe('campaign roster check', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roster-cli-'));
    await makeSampleRoster(dir);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('prints a Chinese summary and exits 0 for a valid roster', async () => {
    const r = await run(join(dir, 'roster.xlsx'), { channels: 'email,sms' });
    expect(r.code).toBe(0);
    expect(r.lines).toContain('20 个单位，5 个指导组，0 处错误');
    expect(r.lines).toContain('通知渠道：邮件、短信（来自 --channels）');
    expect(r.lines.at(-1)).toBe('名单无误，可以启动。');
  });

  it('lists every error, exits 1, and offers --skip-bad-rows naming the rows', async () => {
    const r = await run(join(bad, '01-bad-contacts.csv'), {
      groups: join(bad, 'groups-ok.csv'),
      channels: 'email,sms',
    });
    expect(r.code).toBe(1);
    expect(r.lines).toContain('4 个单位，2 个指导组，4 处错误');
    expect(r.lines).toContain('  第 3 行「联络员手机」: 「1381234567」不是 11 位大陆手机号');
    expect(r.lines).toContain('  第 5 行「联络员邮箱」: 「liaison u04@units.example.cn」不是有效的邮箱地址');
    expect(r.lines.at(-1)).toBe(
      '名单有错误，不能启动任何单位。请改正后重新检查；如确需先启动没有错误的单位，可加 --skip-bad-rows（将跳过第 3、4、5 行）。',
    );
  });

  it('with --skip-bad-rows says what would start, still exiting 1', async () => {
    const r = await run(join(bad, '01-bad-contacts.csv'), {
      groups: join(bad, 'groups-ok.csv'),
      channels: 'email,sms',
      skipBadRows: true,
    });
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toBe(
      '已按要求跳过有错误的 3 行（第 3、4、5 行），其余 1 个单位可以启动；被跳过的单位改正后需另行启动。',
    );
  });

  it('says a whole-file error cannot be skipped', async () => {
    const r = await run(join(bad, '12-no-groups-sheet.xlsx'), { skipBadRows: true });
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toBe(
      '名单有整体性错误（文件、表头或指导组表），不能启动任何单位，也不能跳过。请改正后重新检查。',
    );
  });

  it('takes the channels from --plan and notes units the plan is not written for', async () => {
    const r = await run(join(dir, 'roster.xlsx'), {
      plan: join(root, 'plans/town_office.yaml'),
      channels: 'wecom',
    });
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/通知渠道：邮件、短信（来自方案「.+」（已忽略 --channels，以方案为准））/);
    expect(r.text).toContain('注意：本方案适用于镇机关；名单中另有 18 个单位');
  });

  it('stops on an invalid plan, naming the plan’s own errors', async () => {
    const plan = join(dir, 'broken.yaml');
    await writeFile(plan, 'schemaVersion: 1\nid: x\n');
    const r = await run(join(dir, 'roster.xlsx'), { plan });
    expect(r.code).toBe(1);
    expect(r.lines[0]).toBe(`方案「${plan}」有错误，无法确定通知渠道：`);
    expect(r.lines.length).toBeGreaterThan(1);
  });

  it('rejects an unknown channel name', async () => {
    const r = await run(join(dir, 'roster.xlsx'), { channels: 'email,fax' });
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatch(/^--channels: 「fax」不是已知的通知渠道/);
  });

  it('--json gives the errors with rows, columns and codes', async () => {
    const r = await run(join(bad, '02-duplicate-ids.csv'), {
      groups: join(bad, 'groups-ok.csv'),
      json: true,
    });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.text) as {
      errorCount: number;
      rowsWithErrors: number[];
      errors: { row: number; column: string; code: string }[];
      units: unknown[];
    };
    expect(out.errorCount).toBe(3);
    expect(out.rowsWithErrors).toEqual([2, 4, 6]);
    expect(out.errors[0]).toMatchObject({ row: 2, column: '单位编号', code: 'duplicate_id' });
    expect(out.units).toEqual([]);
  });

  it('parses channel lists in English or Chinese', () => {
    expect(parseChannelList('邮件、短信,email')).toEqual({ channels: ['email', 'sms'], unknown: [] });
    expect(parseChannelList('钉钉 企业微信 fax')).toEqual({
      channels: ['dingtalk', 'wecom'],
      unknown: ['fax'],
    });
  });

  it('registers `roster check` with its options on a commander program', () => {
    const program = new Command('campaign');
    registerRosterCommands(program);
    const check = program.commands
      .find((c) => c.name() === 'roster')
      ?.commands.find((c) => c.name() === 'check');
    expect(check?.options.map((o) => o.long)).toEqual([
      '--groups',
      '--plan',
      '--channels',
      '--skip-bad-rows',
      '--json',
    ]);
  });
});
