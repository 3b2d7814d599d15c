import type { RawRow } from './raw-sheet.js';

export interface CsvParseResult {
  rows: RawRow[];
  /** Syntax problems, each with the record (row) it starts on. */
  problems: { row: number; message: string }[];
}

/**
 * RFC 4180 CSV as Excel writes it: quoted fields may hold commas, doubled quotes and line breaks;
 * records end in CRLF, LF or CR. Row numbers count records, not physical lines, because that is
 * what Excel shows when the office opens the file. A quote inside an unquoted field is kept as
 * text, as Excel does. Excel's "Unicode 文本" export is tab-separated, so a header line with tabs
 * and no commas switches the delimiter.
 */
export function parseCsv(text: string): CsvParseResult {
  const delimiter = detectDelimiter(text);
  const rows: RawRow[] = [];
  const problems: CsvParseResult['problems'] = [];
  let cells: string[] = [];
  let field = '';
  let inQuotes = false;
  let quotedFieldStartRow = 0;
  let rowNumber = 1;
  let atFieldStart = true;
  let i = 0;

  const endField = (): void => {
    cells.push(field);
    field = '';
    atFieldStart = true;
  };
  const endRecord = (): void => {
    endField();
    rows.push({ row: rowNumber, cells });
    cells = [];
    rowNumber += 1;
  };

  while (i < text.length) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i += 1;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && atFieldStart) {
      inQuotes = true;
      quotedFieldStartRow = rowNumber;
      atFieldStart = false;
      i += 1;
      continue;
    }
    if (ch === delimiter) {
      endField();
      i += 1;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch;
    atFieldStart = false;
    i += 1;
  }
  if (inQuotes) {
    problems.push({
      row: quotedFieldStartRow,
      message: '引号没有闭合：从这一行开始的带引号内容一直延续到文件末尾',
    });
  }
  // A final line break does not start another record.
  if (field !== '' || cells.length > 0 || inQuotes) endRecord();
  return { rows, problems };
}

function detectDelimiter(text: string): ',' | '\t' {
  const firstLine = text.slice(0, text.search(/[\r\n]|$/));
  return firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
}
