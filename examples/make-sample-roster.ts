/**
 * Generates the sample roster used by the demo: 20 units of the seed unit types and 5 指导组,
 * as one workbook (sheets 单位 and 指导组) and as a CSV pair (UTF-8 with BOM, as Excel's
 * "CSV UTF-8" saves it). Addresses are fake (*.example.cn) and mobiles are 1380000xxxx.
 *
 *   npx tsx examples/make-sample-roster.ts [outDir]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type ExcelJS from 'exceljs';
import { toCsv, withBom, writeXlsx } from '../domain/roster/write-roster.js';
import { UNIT_COLUMNS } from '../domain/roster/columns.js';

interface SampleUnit {
  id: string;
  name: string;
  type: string;
  flags: string;
  head: string;
  liaison: string;
  group: string;
  agency: string;
}

interface SampleMember {
  group: string;
  groupName: string;
  name: string;
  role: '组长' | '副组长' | '成员';
}

const n2 = (i: number): string => String(i).padStart(2, '0');

// Types are written the way an office would: mostly the Chinese labels, one alias (村), one id.
export const SAMPLE_UNITS: SampleUnit[] = [
  { id: 'U01', name: '青山镇机关', type: '镇机关', flags: '', head: '李建国', liaison: '王芳', group: 'G1', agency: '区委组织部' },
  { id: 'U02', name: '白沙镇机关', type: '镇机关', flags: '', head: '张志强', liaison: '刘洋', group: 'G1', agency: '区发改委' },
  { id: 'U03', name: '东岭村党总支', type: '农村党组织（村）', flags: '', head: '陈有田', liaison: '陈小梅', group: 'G2', agency: '区农业局' },
  { id: 'U04', name: '西岭村党支部', type: '村', flags: '', head: '赵春生', liaison: '赵丽', group: 'G2', agency: '区水利局' },
  { id: 'U05', name: '南湖村党支部', type: 'village', flags: '', head: '孙国庆', liaison: '孙静', group: 'G2', agency: '区林业局' },
  { id: 'U06', name: '北坡村党支部', type: '农村党组织（村）', flags: '', head: '周大山', liaison: '周敏', group: 'G2', agency: '区交通局' },
  { id: 'U07', name: '城关街道机关', type: '街道机关', flags: '', head: '吴卫东', liaison: '吴婷', group: 'G3', agency: '区财政局' },
  { id: 'U08', name: '河西街道机关', type: '街道机关', flags: '', head: '郑海涛', liaison: '郑佳', group: 'G3', agency: '区人社局' },
  { id: 'U09', name: '朝阳社区', type: '社区（街道直属单位）', flags: '设党委', head: '冯秀英', liaison: '冯磊', group: 'G3', agency: '区民政局' },
  { id: 'U10', name: '幸福社区', type: '社区', flags: '', head: '何玉兰', liaison: '何军', group: 'G3', agency: '区司法局' },
  { id: 'U11', name: '新华社区', type: '社区（街道直属单位）', flags: '设党委', head: '许国华', liaison: '许琳', group: 'G3', agency: '区住建局' },
  { id: 'U12', name: '城关街道社区卫生服务中心', type: '社区（街道直属单位）', flags: '', head: '韩明', liaison: '韩雪', group: 'G3', agency: '区卫生局' },
  { id: 'U13', name: '青山中学', type: '中小学校', flags: '规模较大的中学、设党委', head: '曹文博', liaison: '曹颖', group: 'G4', agency: '区教育局' },
  { id: 'U14', name: '白沙小学', type: '中小学校', flags: '', head: '彭晓东', liaison: '彭丹', group: 'G4', agency: '区文化局' },
  { id: 'U15', name: '城关实验小学', type: '中小学校', flags: '', head: '曾德明', liaison: '曾倩', group: 'G4', agency: '区科技局' },
  { id: 'U16', name: '明远科技有限公司党支部', type: '两新组织', flags: '', head: '邓志远', liaison: '邓霞', group: 'G5', agency: '区经信委' },
  { id: 'U17', name: '绿源农业专业合作社党支部', type: '两新组织', flags: '', head: '萧长青', liaison: '萧雨', group: 'G5', agency: '区工商局' },
  { id: 'U18', name: '仁和医院党支部', type: '民办医院', flags: '', head: '潘仁和', liaison: '潘悦', group: 'G5', agency: '区卫生监督所' },
  { id: 'U19', name: '区经委机关', type: '政府机关', flags: '', head: '田建华', liaison: '田甜', group: 'G5', agency: '区委宣传部' },
  { id: 'U20', name: '青山镇党委', type: '镇党委', flags: '设党委', head: '李建国', liaison: '王芳', group: 'G1', agency: '区委组织部' },
];

const GROUP_NAMES: Record<string, string> = {
  G1: '第一指导检查组',
  G2: '第二指导检查组',
  G3: '第三指导检查组',
  G4: '第四指导检查组',
  G5: '第五指导检查组',
};

export const SAMPLE_MEMBERS: SampleMember[] = [
  ['G1', '马立新', '组长'],
  ['G1', '黄晓燕', '成员'],
  ['G1', '林海', '成员'],
  ['G2', '罗振华', '组长'],
  ['G2', '梁春梅', '成员'],
  ['G3', '宋志刚', '组长'],
  ['G3', '唐丽华', '副组长'],
  ['G3', '董浩', '成员'],
  ['G4', '袁卫平', '组长'],
  ['G4', '蒋红', '成员'],
  ['G5', '蔡国平', '组长'],
  ['G5', '贾敏', '成员'],
].map(([group, name, role]) => ({
  group: group as string,
  groupName: GROUP_NAMES[group as string] as string,
  name: name as string,
  role: role as SampleMember['role'],
}));

/** The roster's header row, in the parser's column order (domain/roster/columns.ts). */
export const UNIT_HEADER = UNIT_COLUMNS.map((c) => c.label);

export const GROUP_HEADER = ['指导组编号', '指导组名称', '成员姓名', '角色', '邮箱', '手机', '钉钉机器人', '企业微信机器人'];

function unitContacts(u: SampleUnit, i: number) {
  const k = u.id.toLowerCase();
  return {
    headEmail: `head-${k}@units.example.cn`,
    headMobile: `1380000${1000 + i + 1}`,
    liaisonEmail: `liaison-${k}@units.example.cn`,
    liaisonMobile: `1380000${2000 + i + 1}`,
    agencyEmail: `agency-${k}@agencies.example.cn`,
  };
}

function memberContacts(m: SampleMember, i: number) {
  return { email: `${m.group.toLowerCase()}-m${n2(i + 1)}@groups.example.cn`, mobile: `1380000${3000 + i + 1}` };
}

/** Plain-text rows, as in the CSV pair. */
export function unitRowsText(): string[][] {
  return [
    UNIT_HEADER,
    ...SAMPLE_UNITS.map((u, i) => {
      const c = unitContacts(u, i);
      return [u.id, u.name, u.type, u.flags, u.head, c.headEmail, c.headMobile, u.liaison, c.liaisonEmail, c.liaisonMobile, u.group, u.agency, c.agencyEmail];
    }),
  ];
}

export function groupRowsText(): string[][] {
  return [
    GROUP_HEADER,
    ...SAMPLE_MEMBERS.map((m, i) => {
      const c = memberContacts(m, i);
      return [m.group, m.groupName, m.name, m.role, c.email, c.mobile, '', ''];
    }),
  ];
}

/**
 * The workbook carries what Excel really produces: head mobiles typed as numbers, liaison emails
 * auto-linked as mailto:, a name in rich text, and each group's id and name merged over its rows.
 */
function unitRowsXlsx(): ExcelJS.CellValue[][] {
  return unitRowsText().map((row, r) => {
    if (r === 0) return row;
    const cells: ExcelJS.CellValue[] = [...row];
    cells[6] = Number(row[6]);
    cells[8] = { text: row[8] ?? '', hyperlink: `mailto:${row[8] ?? ''}` };
    if (r === 1) cells[1] = { richText: [{ text: '青山镇', font: { bold: true } }, { text: '机关' }] };
    return cells;
  });
}

function groupMerges(): string[] {
  const merges: string[] = [];
  let start = 2;
  for (const id of Object.keys(GROUP_NAMES)) {
    const count = SAMPLE_MEMBERS.filter((m) => m.group === id).length;
    if (count > 1) merges.push(`A${start}:A${start + count - 1}`, `B${start}:B${start + count - 1}`);
    start += count;
  }
  return merges;
}

export async function makeSampleRoster(outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const xlsx = join(outDir, 'roster.xlsx');
  const unitsCsv = join(outDir, 'roster-units.csv');
  const groupsCsv = join(outDir, 'roster-groups.csv');
  await writeXlsx(xlsx, [
    { name: '单位', rows: unitRowsXlsx() },
    { name: '指导组', rows: groupRowsText(), merges: groupMerges() },
  ]);
  await writeFile(unitsCsv, withBom(toCsv(unitRowsText())));
  await writeFile(groupsCsv, withBom(toCsv(groupRowsText())));
  return [xlsx, unitsCsv, groupsCsv];
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const outDir = process.argv[2] ?? dirname(fileURLToPath(import.meta.url));
  for (const file of await makeSampleRoster(outDir)) console.log(`已生成 ${file}`);
}
