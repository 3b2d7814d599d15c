import { describe, expect, it } from 'vitest';
import type { RawSheet } from '../../../domain/roster/raw-sheet.js';
import { RosterUnitSchema } from '../../../domain/roster/types.js';
import { validateRoster } from '../../../domain/roster/validate.js';
import { UNIT_COLUMNS } from '../../../domain/roster/columns.js';

/** Builds a sheet the way the readers do: header on row 1 unless told otherwise. */
function sheet(rows: string[][], firstRow = 1): RawSheet {
  return { rows: rows.map((cells, i) => ({ row: firstRow + i, cells })) };
}

/** The roster's header row, in the parser's column order (domain/roster/columns.ts). */
const UNIT_HEADER = UNIT_COLUMNS.map((c) => c.label);
const unit = (id: string, over: Partial<Record<string, string>> = {}): string[] => {
  const base: Record<string, string> = {
    单位编号: id,
    单位名称: `${id} 单位`,
    单位类型: '镇机关',
    标记: '',
    第一责任人: '李建国',
    第一责任人邮箱: `head-${id.toLowerCase()}@units.example.cn`,
    第一责任人手机: '13800001001',
    联络员: '王芳',
    联络员邮箱: `liaison-${id.toLowerCase()}@units.example.cn`,
    联络员手机: '13800002001',
    指导组: 'G1',
    结对单位: '',
    结对单位邮箱: '',
    ...over,
  };
  return UNIT_HEADER.map((h) => base[h] ?? '');
};
const GROUPS = sheet([
  ['指导组编号', '指导组名称', '成员姓名', '角色', '邮箱', '手机', '钉钉机器人'],
  [
    'G1',
    '第一指导组',
    '马立新',
    '组长',
    'g1-m01@groups.example.cn',
    '13800003001',
    'https://oapi.dingtalk.com/robot/send?access_token=g1',
  ],
  ['', '', '黄晓燕', '', 'g1-m02@groups.example.cn', '', ''],
  ['G2', '第二指导组', '罗振华', '组长', 'g2-m01@groups.example.cn', '13800003003', ''],
]);

describe('validateRoster', () => {
  it('turns a clean roster into units whose contacts and group are embedded, valid against the schema', () => {
    const r = validateRoster(
      {
        units: sheet([
          UNIT_HEADER,
          unit('U01', {
            结对单位: '区委组织部',
            结对单位邮箱: 'ZZB@Agencies.example.cn',
            第一责任人手机: '+86 138-0000-1001',
          }),
          unit('U02', { 指导组: '第二指导组', 单位类型: '社区', 标记: '设党委' }),
        ]),
        groups: GROUPS,
      },
      { channels: ['email', 'sms'] },
    );
    expect(r.errors).toEqual([]);
    expect(r.usable).toBe(true);
    expect(r.units).toHaveLength(2);
    const [u1, u2] = r.units;
    expect(u1).toMatchObject({
      id: 'U01',
      type: 'town_office',
      flags: [],
      head: { name: '李建国', email: 'head-u01@units.example.cn', mobile: '13800001001' },
      liaison: { name: '王芳', email: 'liaison-u01@units.example.cn', mobile: '13800002001' },
      groupId: 'G1',
      pairedAgency: { name: '区委组织部', email: 'zzb@agencies.example.cn' },
      sourceRow: 2,
    });
    // The blank 指导组编号 on row 3 continues G1, as a merged cell would.
    expect(u1?.group.members.map((m) => [m.name, m.role, m.sourceRow])).toEqual([
      ['马立新', 'leader', 2],
      ['黄晓燕', 'member', 3],
    ]);
    expect(u1?.group.dingtalkWebhook).toBe('https://oapi.dingtalk.com/robot/send?access_token=g1');
    // 指导组 may be given by name; 社区 is an alias of the community type.
    expect(u2).toMatchObject({ groupId: 'G2', type: 'community', flags: ['has_party_committee'] });
    for (const u of r.units) expect(RosterUnitSchema.parse(u)).toEqual(u);
    expect(r.groups.map((g) => g.id)).toEqual(['G1', 'G2']);
  });

  it('requires each channel’s contacts only when the plan uses that channel', () => {
    const units = sheet([UNIT_HEADER, unit('U01', { 联络员手机: '', 第一责任人邮箱: '' })]);
    const emailOnly = validateRoster({ units, groups: GROUPS }, { channels: ['email'] });
    expect(emailOnly.errors.map((e) => e.message)).toEqual([
      '第 2 行「第一责任人邮箱」: 方案使用邮件通知，不能为空',
    ]);
    const smsOnly = validateRoster({ units, groups: GROUPS }, { channels: ['sms'] });
    expect(smsOnly.errors.map((e) => e.message)).toEqual([
      '第 2 行「联络员手机」: 方案使用短信通知，不能为空',
    ]);
    expect(smsOnly.units).toEqual([]);
  });

  it('asks for the group robot only when the plan uses DingTalk or WeCom', () => {
    const units = sheet([UNIT_HEADER, unit('U01', { 指导组: 'G2' })]);
    expect(validateRoster({ units, groups: GROUPS }, { channels: ['email'] }).errors).toEqual([]);
    expect(
      validateRoster({ units, groups: GROUPS }, { channels: ['email', 'dingtalk'] }).errors.map(
        (e) => e.message,
      ),
    ).toEqual([
      '指导组表第 4 行「钉钉机器人」: 指导组「G2」没有填写钉钉机器人网址（方案使用钉钉通知）；分派给该组的单位（单位表第 2 行）因此无法启动',
    ]);
    expect(
      validateRoster({ units, groups: GROUPS }, { channels: ['wecom'] }).errors.map((e) => e.message),
    ).toEqual(['指导组表第 1 行: 表头缺少「企业微信机器人」列（方案使用企业微信通知）']);
  });

  it('is all-or-nothing by default, and launches only the clean rows on explicit skipBadRows', () => {
    const units = sheet([UNIT_HEADER, unit('U01'), unit('U02', { 联络员邮箱: 'bad@' }), unit('U03')]);
    const strict = validateRoster({ units, groups: GROUPS }, { channels: ['email'] });
    expect(strict.usable).toBe(false);
    expect(strict.units).toEqual([]);
    expect(strict.rowsWithErrors).toEqual([3]);
    const skipping = validateRoster({ units, groups: GROUPS }, { channels: ['email'], skipBadRows: true });
    expect(skipping.usable).toBe(true);
    expect(skipping.units.map((u) => u.id)).toEqual(['U01', 'U03']);
    expect(skipping.errors).toEqual(strict.errors);
  });

  it('never skips whole-file problems', () => {
    const r = validateRoster(
      { units: sheet([UNIT_HEADER, unit('U01')]), groups: undefined },
      { channels: ['email'], skipBadRows: true },
    );
    expect(r.fatal).toBe(true);
    expect(r.usable).toBe(false);
    expect(r.units).toEqual([]);
  });

  it('finds the header below a title row, tolerating * markers, （必填） and English ids', () => {
    const header = [
      'unit_id',
      '单位名称*',
      '单位类型（必填）',
      'head_name',
      'head_email',
      '联络员',
      'LIAISON_EMAIL',
      '指导组',
      '备注',
    ];
    const units = sheet(
      [
        ['第三批参学单位名单'],
        [],
        header,
        [
          'U01',
          '青山镇机关',
          'town_office',
          '李建国',
          'head@units.example.cn',
          '王芳',
          'l@units.example.cn',
          'G1',
          '新增',
        ],
        ['U02', '白沙镇机关', '镇机关', '张志强', 'head2@units.example.cn', '刘洋', 'not-an-email', 'G1', ''],
      ],
      1,
    );
    const r = validateRoster({ units, groups: GROUPS }, { channels: ['email'] });
    expect(r.errors.map((e) => e.message)).toEqual([
      '第 5 行「LIAISON_EMAIL」: 「not-an-email」不是有效的邮箱地址',
    ]);
    expect(r.warnings.map((w) => w.message)).toContain('第 3 行「备注」: 不是名单的列（I 列），已忽略');
    expect(r.unitRowCount).toBe(2);
  });

  it('reads the ways offices write flags and treats 无 / 未设党委 as no flag', () => {
    const units = sheet([
      UNIT_HEADER,
      unit('U01', { 单位类型: '中小学校', 标记: '规模较大的中学；设党委' }),
      unit('U02', { 单位类型: '社区（街道直属单位）', 标记: '未设党委' }),
      unit('U03', { 单位类型: '农村党组织(村)', 标记: '无' }),
      unit('U04', { 单位类型: 'school', 标记: 'large_school, large_school' }),
    ]);
    const r = validateRoster({ units, groups: GROUPS }, { channels: ['email'] });
    expect(r.errors).toEqual([]);
    expect(r.units.map((u) => [u.type, u.flags])).toEqual([
      ['school', ['large_school', 'has_party_committee']],
      ['community', []],
      ['village', []],
      ['school', ['large_school']],
    ]);
  });

  it('names a duplicated column by its letters and refuses the roster', () => {
    const header = [...UNIT_HEADER, '联络员电子邮箱'];
    const r = validateRoster(
      { units: sheet([header, [...unit('U01'), 'x@units.example.cn']]), groups: GROUPS },
      { channels: ['email'] },
    );
    expect(r.errors.map((e) => e.message)).toEqual([
      '第 1 行「联络员电子邮箱」: 与「联络员邮箱」是同一列，出现了两次（I 列和 N 列）',
    ]);
    expect(r.fatal).toBe(true);
  });

  it('refuses a group name that two groups share, asking for the id', () => {
    const groups = sheet([
      ['指导组编号', '指导组名称', '成员姓名', '角色', '邮箱'],
      ['G1', '城区组', '马立新', '组长', 'a@groups.example.cn'],
      ['G2', '城区组', '罗振华', '组长', 'b@groups.example.cn'],
    ]);
    const r = validateRoster(
      { units: sheet([UNIT_HEADER, unit('U01', { 指导组: '城区组' })]), groups },
      { channels: ['email'] },
    );
    expect(r.errors.map((e) => e.message)).toEqual([
      '第 2 行「指导组」: 「城区组」对应多个指导组（G1、G2），请填写指导组编号',
    ]);
  });

  it('warns (without blocking) about unused groups, groups without 组长 and repeated unit names', () => {
    const groups = sheet([
      ['指导组编号', '成员姓名', '角色', '邮箱'],
      ['G1', '马立新', '成员', 'a@groups.example.cn'],
      ['G2', '罗振华', '组长', 'b@groups.example.cn'],
    ]);
    const units = sheet([
      UNIT_HEADER,
      unit('U01', { 单位名称: '青山镇机关' }),
      unit('U02', { 单位名称: '青山镇机关' }),
    ]);
    const r = validateRoster({ units, groups }, { channels: ['email'] });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.message)).toEqual([
      '第 2 行「单位名称」: 「青山镇机关」在第 2、3 行出现了多次，请确认不是同一单位',
      '指导组表第 2 行「角色」: 指导组「G1」没有组长',
      '指导组表第 3 行: 指导组「G2」没有分派任何单位',
    ]);
    expect(r.units).toHaveLength(2);
    // The group's name defaults to its id when the sheet gives none.
    expect(r.units[0]?.group.name).toBe('G1');
  });
});
