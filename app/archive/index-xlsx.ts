/**
 * The 卷内目录 (list of the file's contents) as an Excel sheet in the columns a 档案室 expects:
 * 序号, 责任者, 题名, 日期, the file (卷内位置; the files are electronic, so the path stands in for
 * the page number) and 备注.
 */
import ExcelJS from 'exceljs';
import { withFixedTimes } from './fixed-zip.js';

export const INDEX_SHEET = '卷内目录';
export const INDEX_HEADERS = [
  '序号',
  '责任者',
  '题名',
  '日期',
  '文件（卷内位置）',
  '大小（字节）',
  '备注',
] as const;

export interface IndexRow {
  responsible: string;
  title: string;
  /** yyyy-MM-dd. */
  date: string;
  path: string;
  size?: number;
  note: string;
}

export async function indexWorkbook(title: string, rows: readonly IndexRow[], asOf: Date): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = '学习实践活动编排系统';
  book.created = asOf;
  book.modified = asOf;
  const ws = book.addWorksheet(INDEX_SHEET, {
    views: [{ state: 'frozen', ySplit: 2 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.mergeCells(1, 1, 1, INDEX_HEADERS.length);
  ws.getCell(1, 1).value = `${title} · 卷内目录`;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.getRow(2).values = [...INDEX_HEADERS];
  ws.getRow(2).font = { bold: true };
  [6, 22, 36, 12, 60, 12, 30].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  rows.forEach((r, i) => {
    ws.addRow([i + 1, r.responsible, r.title, r.date, r.path, r.size ?? '', r.note]);
  });
  for (let i = 2; i <= rows.length + 2; i++) {
    ws.getRow(i).eachCell((c) => {
      c.border = {
        top: { style: 'thin' },
        left: { style: 'thin' },
        bottom: { style: 'thin' },
        right: { style: 'thin' },
      };
      c.alignment = { vertical: 'top', wrapText: true };
    });
  }
  return withFixedTimes(Buffer.from(await book.xlsx.writeBuffer()), asOf);
}
