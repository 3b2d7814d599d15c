import { matchColumn, type ColumnDef } from './columns.js';
import { isBlankRow, type RawRow, type RawSheet } from './raw-sheet.js';
import type { RosterError, RosterSheet } from './types.js';
import { rosterError, rosterWarning } from './messages.js';

/** Offices put a title row or two above the header ("第三批学习实践活动参学单位名单"). */
const HEADER_SEARCH_ROWS = 10;

export interface LocatedHeader<K extends string> {
  headerRow: number;
  /** Column index of each recognised column. */
  index: Map<K, number>;
  /** The header text exactly as the file writes it, for messages. */
  text: Map<K, string>;
  /** The data rows below the header, blank rows removed. */
  rows: RawRow[];
}

function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/**
 * Finds the header row (the first row naming one of the anchor columns) and maps its cells to
 * columns. Missing required columns and duplicated columns are errors; unrecognised headers are
 * warnings, since offices add their own 备注 columns.
 */
export function locateHeader<K extends string>(
  sheet: RawSheet,
  sheetKind: RosterSheet,
  columns: readonly ColumnDef<K>[],
  anchors: readonly K[],
  extraRequired: ReadonlyMap<K, string>,
  errors: RosterError[],
  warnings: RosterError[],
): LocatedHeader<K> | undefined {
  const candidates = sheet.rows.filter((r) => !isBlankRow(r.cells)).slice(0, HEADER_SEARCH_ROWS);
  const headerRaw = candidates.find((r) =>
    r.cells.some((c) => {
      const col = matchColumn(c, columns);
      return col !== undefined && anchors.includes(col.key);
    }),
  );
  const anchorLabels = anchors
    .map((a) => columns.find((c) => c.key === a)?.label ?? a)
    .map((l) => `「${l}」`)
    .join('或');
  if (!headerRaw) {
    const empty = !sheet.rows.some((r) => !isBlankRow(r.cells));
    const what = empty ? '表格是空的' : `找不到表头：前 ${HEADER_SEARCH_ROWS} 行中没有${anchorLabels}列`;
    errors.push(rosterError(sheetKind, undefined, undefined, empty ? 'file_empty' : 'header_missing', what));
    return undefined;
  }

  const headerRow = headerRaw.row;
  const index = new Map<K, number>();
  const text = new Map<K, string>();
  headerRaw.cells.forEach((cell, i) => {
    if (cell.trim() === '') return;
    const col = matchColumn(cell, columns);
    if (!col) {
      warnings.push(
        rosterWarning(
          sheetKind,
          headerRow,
          cell.trim(),
          'column_unknown',
          `不是名单的列（${columnLetter(i)} 列），已忽略`,
        ),
      );
      return;
    }
    const prev = index.get(col.key);
    if (prev !== undefined) {
      errors.push(
        rosterError(
          sheetKind,
          headerRow,
          cell.trim(),
          'column_duplicate',
          `与「${text.get(col.key) ?? col.label}」是同一列，出现了两次（${columnLetter(prev)} 列和 ${columnLetter(i)} 列）`,
        ),
      );
      return;
    }
    index.set(col.key, i);
    text.set(col.key, cell.trim());
  });

  for (const col of columns) {
    if (index.has(col.key)) continue;
    const reason = extraRequired.get(col.key);
    if (col.required || reason !== undefined) {
      errors.push(
        rosterError(
          sheetKind,
          headerRow,
          undefined,
          'column_missing',
          `表头缺少「${col.label}」列${reason !== undefined ? `（${reason}）` : ''}`,
        ),
      );
    }
  }

  const rows = sheet.rows.filter((r) => r.row > headerRow && !isBlankRow(r.cells));
  return { headerRow, index, text, rows };
}

export function cellOf<K extends string>(header: LocatedHeader<K>, row: RawRow, key: K): string {
  const i = header.index.get(key);
  if (i === undefined) return '';
  return (row.cells[i] ?? '').trim();
}

export function headerText<K extends string>(
  header: LocatedHeader<K>,
  columns: readonly ColumnDef<K>[],
  key: K,
): string {
  return header.text.get(key) ?? columns.find((c) => c.key === key)?.label ?? key;
}
