/**
 * A table as the office sees it, before any interpretation: every cell already turned into text,
 * each row carrying the number Excel shows beside it. CSV and XLSX readers both produce this, so
 * the validator never cares where the data came from.
 */
export interface RawRow {
  /** 1-based spreadsheet row number (in a CSV: the record number, the header being 1). */
  row: number;
  cells: string[];
}

export interface RawSheet {
  /** Rows in order; blank rows may be omitted, the numbering keeps counting them. */
  rows: RawRow[];
}

export function isBlankRow(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '');
}
