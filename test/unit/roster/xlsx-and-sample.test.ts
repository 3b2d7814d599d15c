import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRosterFile } from '../../../domain/roster/parse-file.js';
import { cellText, readXlsxWorkbook } from '../../../domain/roster/read-xlsx.js';
import { writeXlsx } from '../../../domain/roster/write-roster.js';
import { SAMPLE_UNITS, makeSampleRoster } from '../../../examples/make-sample-roster.js';

describe('cellText', () => {
  it('writes a mobile typed as a number as its digits, never in exponent form', () => {
    expect(cellText(13800001234)).toBe('13800001234');
    expect(cellText(8613800001234)).toBe('8613800001234');
    expect(cellText(1.5)).toBe('1.5');
  });
  it('takes the address from a mailto link shown as a name, and the text otherwise', () => {
    expect(cellText({ text: '王芳', hyperlink: 'mailto:liaison-u01@units.example.cn?subject=活动' })).toBe(
      'liaison-u01@units.example.cn',
    );
    expect(cellText({ text: 'head@units.example.cn', hyperlink: 'mailto:head@units.example.cn' })).toBe(
      'head@units.example.cn',
    );
    expect(cellText({ text: '区委网站', hyperlink: 'https://example.cn' })).toBe('区委网站');
  });
  it('joins rich text runs and uses a formula’s cached result', () => {
    expect(cellText({ richText: [{ text: '青山' }, { text: '镇机关' }] })).toBe('青山镇机关');
    expect(cellText({ formula: 'A1&"机关"', result: '青山镇机关' })).toBe('青山镇机关');
    expect(cellText({ sharedFormula: 'B2', result: 13800001234 })).toBe('13800001234');
    expect(cellText(null)).toBe('');
    expect(cellText(new Date('2009-09-01T00:00:00Z'))).toBe('2009-09-01');
  });
});

describe('the sample roster (examples/)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sample-roster-'));
    await makeSampleRoster(dir);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('is valid for an email+SMS plan: 20 units of the seed types, 5 groups', async () => {
    const r = await parseRosterFile(join(dir, 'roster.xlsx'), { channels: ['email', 'sms'] });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.units).toHaveLength(20);
    expect(r.groups).toHaveLength(5);
    expect(new Set(r.units.map((u) => u.type))).toEqual(
      new Set([
        'town_office',
        'village',
        'street_office',
        'community',
        'school',
        'non_public',
        'private_hospital',
        'government_office',
        'town_party_committee',
      ]),
    );
    expect(r.units.find((u) => u.id === 'U09')?.flags).toEqual(['has_party_committee']);
    expect(r.units.find((u) => u.id === 'U10')?.flags).toEqual([]);
  });

  it('reads numbers, mailto links, rich text and merged group cells as the office typed them', async () => {
    const r = await parseRosterFile(join(dir, 'roster.xlsx'), { channels: ['email', 'sms'] });
    const u1 = r.units[0];
    expect(u1?.name).toBe('青山镇机关');
    expect(u1?.head.mobile).toBe('13800001001');
    expect(u1?.liaison.email).toBe('liaison-u01@units.example.cn');
    const g1 = r.groups.find((g) => g.id === 'G1');
    expect(g1?.members.map((m) => m.name)).toEqual(['马立新', '黄晓燕', '林海']);
    expect(new Set(g1?.members.map((m) => m.sourceRow))).toEqual(new Set([2, 3, 4]));
    // The workbook really stores those awkward cell kinds (the point of the sample).
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'roster.xlsx'));
    const ws = wb.getWorksheet('单位');
    expect(typeof ws?.getCell('G2').value).toBe('number');
    expect(ws?.getCell('I2').value).toMatchObject({ hyperlink: 'mailto:liaison-u01@units.example.cn' });
    expect(wb.getWorksheet('指导组')?.getCell('A3').isMerged).toBe(true);
  });

  it('gives the same units from the CSV pair as from the workbook', async () => {
    const xlsx = await parseRosterFile(join(dir, 'roster.xlsx'), { channels: ['email', 'sms'] });
    const csv = await parseRosterFile(join(dir, 'roster-units.csv'), {
      groupsPath: join(dir, 'roster-groups.csv'),
      channels: ['email', 'sms'],
    });
    expect(csv.errors).toEqual([]);
    expect(csv.units).toEqual(xlsx.units);
    expect((await readFile(join(dir, 'roster-units.csv'))).subarray(0, 3)).toEqual(
      Buffer.from([0xef, 0xbb, 0xbf]),
    );
  });

  it('uses only loopback-safe example addresses and 1380000xxxx numbers', async () => {
    const r = await parseRosterFile(join(dir, 'roster.xlsx'), { channels: ['email', 'sms'] });
    const people = r.units.flatMap((u) => [u.head, u.liaison, ...u.group.members]);
    for (const p of people) {
      expect(p.email).toMatch(/@(units|groups)\.example\.cn$/);
      expect(p.mobile).toMatch(/^1380000\d{4}$/);
    }
    expect(r.units.find((u) => u.id === 'U01')?.liaison.email).toBe('liaison-u01@units.example.cn');
    expect(r.units.length).toBe(SAMPLE_UNITS.length);
  });

  it('matches the committed copy in examples/', async () => {
    const fresh = await parseRosterFile(join(dir, 'roster.xlsx'), { channels: ['email', 'sms'] });
    const committed = await parseRosterFile(join(import.meta.dirname, '../../../examples/roster.xlsx'), {
      channels: ['email', 'sms'],
    });
    expect(committed.units).toEqual(fresh.units);
  });
});

describe('workbook layout', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roster-layout-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('finds the units sheet by name even when 指导组 comes first, and lets --groups override', async () => {
    const path = join(dir, 'order.xlsx');
    await writeXlsx(path, [
      {
        name: '指导组',
        rows: [
          ['指导组编号', '成员姓名', '邮箱'],
          ['G1', '马立新', 'a@groups.example.cn'],
        ],
      },
      { name: '说明', rows: [['填表说明']] },
      {
        name: '单位',
        rows: [
          [
            '单位编号',
            '单位名称',
            '单位类型',
            '第一责任人',
            '联络员',
            '联络员邮箱',
            '第一责任人邮箱',
            '指导组',
          ],
          ['U01', '青山镇机关', '镇机关', '李建国', '王芳', 'l@units.example.cn', 'h@units.example.cn', 'G1'],
        ],
      },
    ]);
    const book = await readXlsxWorkbook(path);
    expect([book.unitSheetName, book.groupSheetName]).toEqual(['单位', '指导组']);
    const r = await parseRosterFile(path, { channels: ['email'] });
    expect(r.errors).toEqual([]);
    expect(r.units[0]?.group.members[0]?.email).toBe('a@groups.example.cn');
  });

  it('reports an unreadable or unsupported file instead of throwing', async () => {
    const missing = await parseRosterFile(join(dir, 'nope.xlsx'), { channels: ['email'] });
    expect(missing.errors.map((e) => e.message)).toEqual([`找不到文件「${join(dir, 'nope.xlsx')}」`]);
    expect(missing.usable).toBe(false);
    const xls = await parseRosterFile(join(dir, 'old.xls'), { channels: ['email'], skipBadRows: true });
    expect(xls.errors.map((e) => e.message)).toEqual([
      `「${join(dir, 'old.xls')}」: 旧版 .xls 不支持，请在 Excel 中另存为 .xlsx 或 CSV`,
    ]);
    expect(xls.units).toEqual([]);
  });
});

describe('a file that is not really a workbook', () => {
  it('says so in Chinese', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'roster-fake-'));
    try {
      const path = join(dir, 'fake.xlsx');
      await (await import('node:fs/promises')).writeFile(path, '单位编号,单位名称\n');
      const r = await parseRosterFile(path, { channels: ['email'] });
      expect(r.errors.map((e) => e.message)).toEqual([
        `无法读取文件「${path}」：不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）`,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
