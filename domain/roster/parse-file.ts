import { extname } from 'node:path';
import { rosterError } from './messages.js';
import type { RawSheet } from './raw-sheet.js';
import { readCsvSheet } from './read-csv.js';
import { readXlsxGroups, readXlsxWorkbook } from './read-xlsx.js';
import type { Channel, RosterError } from './types.js';
import { validateRoster, type RosterResult } from './validate.js';

export interface ParseRosterOptions {
  /** A separate 指导组 table (CSV or XLSX); required for a CSV roster, overrides an XLSX's own sheet. */
  groupsPath?: string;
  channels: readonly Channel[];
  /** See ValidateOptions.skipBadRows: only ever set on the office's explicit request. */
  skipBadRows?: boolean;
}

export interface ParsedRoster extends RosterResult {
  /** Where the tables came from, for the summary shown to the office. */
  sources: { units: string; groups?: string };
}

type Format = 'xlsx' | 'csv';

function formatOf(path: string): Format | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return 'csv';
  return undefined;
}

function describeFailure(path: string, err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return `找不到文件「${path}」`;
  if (code === 'EACCES') return `没有权限读取文件「${path}」`;
  return `无法读取文件「${path}」：${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Reads a roster (CSV or XLSX, plus an optional separate 指导组 file) and validates it. Problems
 * reading the files are reported the same way as problems in their content, never thrown.
 */
export async function parseRosterFile(path: string, options: ParseRosterOptions): Promise<ParsedRoster> {
  const fileErrors: RosterError[] = [];
  let units: RawSheet | undefined;
  let groups: RawSheet | undefined;
  const sources: ParsedRoster['sources'] = { units: path };

  const format = formatOf(path);
  if (format === undefined) {
    const hint =
      extname(path).toLowerCase() === '.xls'
        ? '旧版 .xls 不支持，请在 Excel 中另存为 .xlsx 或 CSV'
        : '名单应为 .xlsx 或 .csv 文件';
    fileErrors.push(rosterError('file', undefined, undefined, 'file_unreadable', `「${path}」: ${hint}`));
  } else {
    try {
      if (format === 'xlsx') {
        const book = await readXlsxWorkbook(path);
        units = book.units;
        if (book.unitSheetName !== undefined) sources.units = `${path}（工作表「${book.unitSheetName}」）`;
        if (options.groupsPath === undefined) {
          groups = book.groups;
          if (book.groupSheetName !== undefined)
            sources.groups = `${path}（工作表「${book.groupSheetName}」）`;
        }
      } else {
        const read = await readCsvSheet(path, 'units');
        units = read.sheet;
        fileErrors.push(...read.errors);
        sources.units = `${path}（${read.encoding === 'gb18030' ? 'GBK/GB18030' : read.encoding.toUpperCase()} 编码）`;
      }
    } catch (err) {
      fileErrors.push(
        rosterError('file', undefined, undefined, 'file_unreadable', describeFailure(path, err)),
      );
    }
  }

  if (options.groupsPath !== undefined) {
    const gpath = options.groupsPath;
    const gformat = formatOf(gpath);
    sources.groups = gpath;
    if (gformat === undefined) {
      fileErrors.push(
        rosterError(
          'file',
          undefined,
          undefined,
          'file_unreadable',
          `「${gpath}」: 指导组文件应为 .xlsx 或 .csv 文件`,
        ),
      );
    } else {
      try {
        if (gformat === 'xlsx') {
          groups = await readXlsxGroups(gpath);
        } else {
          const read = await readCsvSheet(gpath, 'groups');
          groups = read.sheet;
          fileErrors.push(...read.errors);
        }
      } catch (err) {
        fileErrors.push(
          rosterError('file', undefined, undefined, 'file_unreadable', describeFailure(gpath, err)),
        );
      }
    }
  }

  const result = validateRoster({ units: units ?? { rows: [] }, groups }, options);
  if (fileErrors.length === 0) return { ...result, sources };

  // An unreadable file makes the whole roster unusable, whatever skipBadRows says.
  // Consequences of an unreadable file ("empty table", "no 指导组 table") would only repeat it.
  const unitsUnread = units === undefined;
  const groupsUnread =
    options.groupsPath !== undefined ? groups === undefined : unitsUnread && format !== 'csv';
  // Past an unclosed quote the columns are shifted garbage; errors found there would mislead.
  const brokenFrom = (sheet: 'units' | 'groups'): number =>
    Math.min(
      ...fileErrors.filter((e) => e.code === 'csv_syntax' && e.sheet === sheet).map((e) => e.row ?? 0),
      Infinity,
    );
  const unitsBrokenFrom = brokenFrom('units');
  const groupsBrokenFrom = brokenFrom('groups');
  const errors = [
    ...fileErrors,
    ...result.errors.filter(
      (e) =>
        !(unitsUnread && e.code === 'file_empty' && e.sheet === 'units') &&
        !(groupsUnread && e.code === 'groups_missing') &&
        !(e.sheet === 'units' && (e.row ?? 0) >= unitsBrokenFrom) &&
        !(e.sheet === 'groups' && (e.row ?? 0) >= groupsBrokenFrom),
    ),
  ];
  return { ...result, errors, units: [], groups: [], fatal: true, usable: false, sources };
}
