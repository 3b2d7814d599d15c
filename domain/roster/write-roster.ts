import ExcelJS from 'exceljs';

/**
 * Writes roster-shaped workbooks and CSV text: the sample roster in examples/, the malformed
 * fixtures, and templates handed to an office. File output only; workflows never import this.
 */

export interface SheetSpec {
  name: string;
  /** First row is the header. Cells may be any ExcelJS value (numbers, mailto links, rich text). */
  rows: ExcelJS.CellValue[][];
  /** Ranges such as "A2:A4" to merge, as offices do for a group's id over its members. */
  merges?: string[];
}

/** Fixed so that regenerating a workbook does not change its document properties. */
const FIXED_DATE = new Date('2009-09-01T00:00:00Z');

export async function writeXlsx(path: string, sheets: SheetSpec[]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'campaign-orchestrator';
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  for (const spec of sheets) {
    const ws = workbook.addWorksheet(spec.name);
    spec.rows.forEach((cells, i) => {
      const row = ws.getRow(i + 1);
      cells.forEach((value, c) => {
        if (value !== null && value !== undefined) row.getCell(c + 1).value = value;
      });
      if (i === 0) row.font = { bold: true };
    });
    const width = Math.max(0, ...spec.rows.map((r) => r.length));
    for (let c = 1; c <= width; c += 1) ws.getColumn(c).width = 18;
    for (const range of spec.merges ?? []) ws.mergeCells(range);
  }
  await workbook.xlsx.writeFile(path);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV as Excel writes it: CRLF line ends, fields quoted only when they must be. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Excel's "CSV UTF-8" flavour: the BOM is what makes Excel open it as UTF-8 rather than GBK. */
export function withBom(text: string): Uint8Array {
  const body = new TextEncoder().encode(text);
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(body, 3);
  return out;
}
