import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { RawRow, RawSheet } from './raw-sheet.js';

/** Sheet names an office might give the two tables; matched after trimming, case-insensitively. */
const UNIT_SHEET_NAMES = ['单位', '参学单位', '名单', '单位名单', 'units', 'roster'];
const GROUP_SHEET_NAMES = ['指导组', '指导组成员', '指导检查组', 'groups'];

export interface XlsxRead {
  units: RawSheet | undefined;
  groups: RawSheet | undefined;
  /** Names of the worksheets used, for the summary the office reads. */
  unitSheetName?: string;
  groupSheetName?: string;
}

/**
 * Reads the roster workbook: the 指导组 sheet by name, the units from a sheet with a units-like
 * name or else the first other sheet. Merged cells read as their top-left value, which is what
 * an office means when it merges 指导组编号 down over a group's members.
 */
export async function readXlsxWorkbook(path: string): Promise<XlsxRead> {
  // Read the bytes ourselves so a missing file fails with ENOENT like the CSV path does.
  const bytes = await readFile(path);
  const workbook = new ExcelJS.Workbook();
  try {
    // ExcelJS declares the un-parameterised Buffer of older @types/node.
    await workbook.xlsx.load(bytes as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch {
    throw new Error('不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）');
  }
  const sheets = workbook.worksheets.filter((ws) => ws.state !== 'veryHidden');
  const named = (names: string[]) => sheets.find((ws) => names.includes(ws.name.trim().toLowerCase()));
  const groupSheet = named(GROUP_SHEET_NAMES);
  const unitSheet = named(UNIT_SHEET_NAMES) ?? sheets.find((ws) => ws !== groupSheet);
  const out: XlsxRead = {
    units: unitSheet ? worksheetToRaw(unitSheet) : undefined,
    groups: groupSheet ? worksheetToRaw(groupSheet) : undefined,
  };
  if (unitSheet) out.unitSheetName = unitSheet.name;
  if (groupSheet) out.groupSheetName = groupSheet.name;
  return out;
}

/** For `--groups FILE.xlsx`: the 指导组 sheet if there is one, else the first sheet. */
export async function readXlsxGroups(path: string): Promise<RawSheet | undefined> {
  const read = await readXlsxWorkbook(path);
  return read.groups ?? read.units;
}

function worksheetToRaw(ws: ExcelJS.Worksheet): RawSheet {
  const rows: RawRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    // row.cellCount is the last used column; ExcelJS columns are 1-based.
    for (let c = 1; c <= row.cellCount; c += 1) cells.push(cellText(row.getCell(c).value));
    rows.push({ row: rowNumber, cells });
  });
  return { rows };
}

/**
 * Every ExcelJS cell value as the text the office sees. The awkward ones: a mobile typed as a
 * number, an email Excel turned into a mailto: link, rich text (part of a name in bold), a
 * formula's cached result.
 */
export function cellText(value: ExcelJS.CellValue | { richText: ExcelJS.RichText[] }): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    // Integers as digits, never 1.38e+10; Excel itself shows a typed mobile this way.
    return Number.isInteger(value) ? value.toFixed(0) : String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) {
    // When read back from a file the link text may itself be rich text, hence the recursion.
    const text = cellText(value.text);
    const isMailto = /^mailto:/i.test(value.hyperlink);
    // A mailto link shown as a name ("王芳") still carries the address the office meant.
    if (isMailto && !text.includes('@')) return value.hyperlink.replace(/^mailto:/i, '').split('?')[0] ?? '';
    return text;
  }
  if ('formula' in value || 'sharedFormula' in value) {
    return cellText(value.result);
  }
  if ('error' in value) return value.error;
  return '';
}
