import type { RosterError, RosterErrorCode, RosterSheet } from './types.js';

/**
 * Every roster message reads the way an office worker looks for the cell: row first, then the
 * column header they typed, e.g. 第 7 行「联络员手机」: 「1381234567」不是 11 位大陆手机号.
 */
function formatLocation(sheet: RosterSheet, row: number | undefined, column: string | undefined): string {
  const table = sheet === 'groups' ? '指导组表' : '';
  if (row === undefined) return sheet === 'groups' ? '指导组表: ' : sheet === 'units' ? '单位表: ' : '';
  return `${table}第 ${row} 行${column !== undefined ? `「${column}」` : ''}: `;
}

export function rosterError(
  sheet: RosterSheet,
  row: number | undefined,
  column: string | undefined,
  code: RosterErrorCode,
  text: string,
): RosterError {
  const e: RosterError = { sheet, code, message: formatLocation(sheet, row, column) + text };
  if (row !== undefined) e.row = row;
  if (column !== undefined) e.column = column;
  return e;
}

/** Warnings share the shape of errors; they are kept in a separate list. */
export const rosterWarning = rosterError;
