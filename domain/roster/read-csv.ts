import { readFile } from 'node:fs/promises';
import { parseCsv } from './csv.js';
import { decodeText, type TextEncodingName } from './decode-text.js';
import { rosterError } from './messages.js';
import type { RawSheet } from './raw-sheet.js';
import type { RosterError, RosterSheet } from './types.js';

export interface CsvSheetRead {
  sheet: RawSheet;
  encoding: TextEncodingName;
  errors: RosterError[];
}

/** Reads one CSV table (units or 指导组) from disk; file I/O only, never imported by workflows. */
export async function readCsvSheet(
  path: string,
  sheetKind: Exclude<RosterSheet, 'file'>,
): Promise<CsvSheetRead> {
  const bytes = await readFile(path);
  return csvBytesToSheet(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), sheetKind);
}

export function csvBytesToSheet(bytes: Uint8Array, sheetKind: Exclude<RosterSheet, 'file'>): CsvSheetRead {
  const { text, encoding } = decodeText(bytes);
  const { rows, problems } = parseCsv(text);
  const errors = problems.map((p) => rosterError(sheetKind, p.row, undefined, 'csv_syntax', p.message));
  return { sheet: { rows }, encoding, errors };
}
