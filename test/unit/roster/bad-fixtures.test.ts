import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRosterFile } from '../../../domain/roster/parse-file.js';
import type { Channel } from '../../../domain/roster/types.js';
import { UNIT_FLAGS, UNIT_TYPES } from '../../../domain/unit-types.js';
import { makeFixtures } from '../../fixtures/rosters-bad/make-fixtures.js';

// The lists grow as plans need new types and flags; the messages must always offer all of them.
const TYPES = Object.values(UNIT_TYPES).join('、');
const FLAGS = Object.values(UNIT_FLAGS).join('、');

const dir = join(import.meta.dirname, '../../fixtures/rosters-bad');

interface Case {
  file: string;
  groups?: string;
  channels: Channel[];
  errors: string[];
  rowsWithErrors: number[];
  groupRowsWithErrors?: number[];
  fatal?: boolean;
  /** Units a skip-bad-rows launch would keep. */
  keptWhenSkipping?: string[];
}

const CASES: Case[] = [
  {
    file: '01-bad-contacts.csv',
    groups: 'groups-ok.csv',
    channels: ['email', 'sms'],
    errors: [
      '第 3 行「联络员手机」: 「1381234567」不是 11 位大陆手机号',
      '第 4 行「第一责任人邮箱」: 「head-u03@units」不是有效的邮箱地址',
      '第 4 行「联络员手机」: 「12800002003」不是 11 位大陆手机号',
      '第 5 行「联络员邮箱」: 「liaison u04@units.example.cn」不是有效的邮箱地址',
    ],
    rowsWithErrors: [3, 4, 5],
    keptWhenSkipping: ['U01'],
  },
  {
    file: '02-duplicate-ids.csv',
    groups: 'groups-ok.csv',
    channels: ['email'],
    errors: [
      '第 2 行「单位编号」: 「U01」与第 4、6 行重复',
      '第 4 行「单位编号」: 「U01」与第 2、6 行重复',
      '第 6 行「单位编号」: 「U01」与第 2、4 行重复',
    ],
    rowsWithErrors: [2, 4, 6],
    keptWhenSkipping: ['U02', 'U03'],
  },
  {
    file: '03-unknown-type-flag.csv',
    groups: 'groups-ok.csv',
    channels: ['email'],
    errors: [
      `第 2 行「单位类型」: 「乡镇」不是已知的单位类型（可用：${TYPES}）`,
      `第 3 行「标记」: 「设支部」不是已知的标记（可用：${FLAGS}）`,
      '第 4 行「标记」: 「规模较大的中学」只适用于中小学校，本单位类型是农村党组织（村）',
    ],
    rowsWithErrors: [2, 3, 4],
    keptWhenSkipping: ['U04'],
  },
  {
    file: '04-unknown-group.csv',
    groups: 'groups-ok.csv',
    channels: ['email'],
    errors: ['第 3 行「指导组」: 「G9」不在指导组表中', '第 4 行「指导组」: 「第三指导组」不在指导组表中'],
    rowsWithErrors: [3, 4],
    keptWhenSkipping: ['U01'],
  },
  {
    file: '05-missing-required.csv',
    groups: 'groups-ok.csv',
    channels: ['email'],
    errors: [
      '第 2 行「单位名称」: 不能为空',
      '第 2 行「联络员」: 不能为空',
      '第 3 行「单位编号」: 不能为空',
      '第 3 行「第一责任人邮箱」: 方案使用邮件通知，不能为空',
      '第 5 行「单位编号」: 「U 03」只能由文字、数字、-、_、. 组成（不能有空格或标点）',
      '第 5 行「单位类型」: 不能为空',
      '第 5 行「指导组」: 不能为空',
    ],
    rowsWithErrors: [2, 3, 5],
    keptWhenSkipping: [],
  },
  {
    file: '06-missing-columns.csv',
    groups: 'groups-ok.csv',
    channels: ['email', 'sms'],
    errors: [
      '第 1 行: 表头缺少「单位类型」列',
      '第 1 行: 表头缺少「第一责任人邮箱」列（方案使用邮件通知）',
      '第 1 行: 表头缺少「第一责任人手机」列（方案使用短信通知）',
      '第 1 行: 表头缺少「联络员手机」列（方案使用短信通知）',
    ],
    rowsWithErrors: [],
    fatal: true,
  },
  {
    file: '07-units-for-bad-groups.csv',
    groups: '07-bad-groups.csv',
    channels: ['email', 'dingtalk'],
    errors: [
      '指导组表第 3 行「邮箱」: 「g1-m02@groups」不是有效的邮箱地址',
      '指导组表第 4 行「钉钉机器人」: 「oapi.dingtalk.com/robot」不是有效的钉钉机器人网址（应以 https:// 开头）；分派给该组的单位（单位表第 3 行）因此无法启动',
      '指导组表第 4 行「角色」: 「书记」不是已知的角色（可用：组长、副组长、成员）',
      '指导组表第 5 行「成员姓名」: 指导组「G3」没有成员；分派给该组的单位（单位表第 4 行）因此无法启动',
      '指导组表第 6 行「邮箱」: 指导组「G4」没有任何成员填写邮箱（方案使用邮件通知）',
      '指导组表第 7 行「指导组名称」: 「第4指导组」与第 6 行的「第四指导组」不一致（同一指导组「G4」）；分派给该组的单位（单位表第 5 行）因此无法启动',
    ],
    rowsWithErrors: [3, 4, 5],
    groupRowsWithErrors: [3, 4, 7],
    // G1 keeps 马立新 (its bad second member row is dropped), so U01 can still start.
    keptWhenSkipping: ['U01'],
  },
  {
    file: '08-unclosed-quote.csv',
    groups: 'groups-ok.csv',
    channels: ['email'],
    errors: ['第 4 行: 引号没有闭合：从这一行开始的带引号内容一直延续到文件末尾'],
    rowsWithErrors: [4],
    fatal: true,
  },
  {
    file: '09-paired-agency.csv',
    groups: 'groups-ok.csv',
    channels: ['email'],
    errors: [
      '第 2 行「结对单位邮箱」: 「zzb@agencies」不是有效的邮箱地址',
      '第 3 行「结对单位」: 填写了结对单位邮箱，结对单位名称不能为空',
    ],
    rowsWithErrors: [2, 3],
    keptWhenSkipping: ['U03'],
  },
  {
    file: '10-gbk.csv',
    groups: 'groups-ok.csv',
    channels: ['email'],
    errors: [
      `第 3 行「单位类型」: 「乡政府」不是已知的单位类型（可用：${TYPES}）`,
      '第 3 行「第一责任人手机」: 「138 0000 100」不是 11 位大陆手机号',
    ],
    rowsWithErrors: [3],
    keptWhenSkipping: ['U01'],
  },
  {
    file: '11-bad-cells.xlsx',
    channels: ['email', 'sms'],
    errors: [
      '第 2 行「单位编号」: 「U01」与第 5 行重复',
      '第 3 行「第一责任人手机」: 「1381234567」不是 11 位大陆手机号',
      '第 3 行「联络员邮箱」: 「liaison-u02@units」不是有效的邮箱地址',
      '第 5 行「单位编号」: 「U01」与第 2 行重复',
      '指导组表第 3 行「手机」: 「138000030」不是 11 位大陆手机号',
    ],
    rowsWithErrors: [2, 3, 5],
    groupRowsWithErrors: [3],
    // The numeric id 1 reads as "1"; its group G1 keeps its valid leader.
    keptWhenSkipping: ['1'],
  },
  {
    file: '12-no-groups-sheet.xlsx',
    channels: ['email'],
    errors: ['缺少指导组表：XLSX 需有名为「指导组」的工作表，CSV 需用 --groups 指定指导组文件'],
    rowsWithErrors: [],
    fatal: true,
  },
  {
    file: '13-group-no-email.xlsx',
    channels: ['email'],
    errors: [
      '指导组表第 3 行「邮箱」: 指导组「G2」没有任何成员填写邮箱（方案使用邮件通知）；分派给该组的单位（单位表第 4、5 行）因此无法启动',
    ],
    rowsWithErrors: [4, 5],
    keptWhenSkipping: ['U01'],
  },
  {
    file: '14-sms-missing.xlsx',
    channels: ['sms'],
    errors: [
      '第 3 行「第一责任人手机」: 方案使用短信通知，不能为空',
      '指导组表第 2 行「手机」: 指导组「G1」没有任何成员填写手机号（方案使用短信通知）；分派给该组的单位（单位表第 2、3 行）因此无法启动',
    ],
    rowsWithErrors: [2, 3],
    keptWhenSkipping: ['U03'],
  },
];

describe('malformed rosters', () => {
  it('has at least ten fixtures, in both formats', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(10);
    expect(CASES.some((c) => c.file.endsWith('.xlsx'))).toBe(true);
    expect(CASES.some((c) => c.file.endsWith('.csv'))).toBe(true);
  });

  for (const c of CASES) {
    const options = (skipBadRows: boolean) => ({
      channels: c.channels,
      skipBadRows,
      ...(c.groups !== undefined ? { groupsPath: join(dir, c.groups) } : {}),
    });

    it(`${c.file}: reports every error with its row, and starts nothing`, async () => {
      const r = await parseRosterFile(join(dir, c.file), options(false));
      expect(r.errors.map((e) => e.message)).toEqual(c.errors);
      expect(r.rowsWithErrors).toEqual(c.rowsWithErrors);
      expect(r.groupRowsWithErrors).toEqual(c.groupRowsWithErrors ?? []);
      expect(r.fatal).toBe(c.fatal ?? false);
      expect(r.usable).toBe(false);
      expect(r.units).toEqual([]);
      expect(r.groups).toEqual([]);
    });

    it(`${c.file}: with skipBadRows keeps exactly the rows without errors`, async () => {
      const r = await parseRosterFile(join(dir, c.file), options(true));
      expect(r.errors.map((e) => e.message)).toEqual(c.errors);
      if (c.fatal) {
        expect(r.usable).toBe(false);
        expect(r.units).toEqual([]);
      } else {
        expect(r.usable).toBe(true);
        expect(r.units.map((u) => u.id)).toEqual(c.keptWhenSkipping);
        for (const u of r.units) expect(c.rowsWithErrors).not.toContain(u.sourceRow);
      }
    });
  }
});

describe('fixture generator', () => {
  const tmp = mkdtemp(join(tmpdir(), 'rosters-bad-'));
  afterAll(async () => rm(await tmp, { recursive: true, force: true }));

  it('regenerates binary fixtures that read exactly like the committed ones', async () => {
    const out = await tmp;
    await makeFixtures(out);
    for (const file of ['10-gbk.csv', '11-bad-cells.xlsx', '13-group-no-email.xlsx', '14-sms-missing.xlsx']) {
      const c = CASES.find((x) => x.file === file);
      if (!c) throw new Error(file);
      const groupsPath = c.groups !== undefined ? join(dir, c.groups) : undefined;
      const fresh = await parseRosterFile(join(out, file), {
        channels: c.channels,
        ...(groupsPath ? { groupsPath } : {}),
      });
      expect(fresh.errors.map((e) => e.message)).toEqual(c.errors);
    }
  });
});
