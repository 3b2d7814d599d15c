/**
 * The office's Excel report: one sheet per view — 各单位进度 (with 红黄绿 fills), 逾期事项,
 * 督办记录, 测评结果. Times are Beijing time; every sheet has a frozen, bold header row.
 */
import ExcelJS from 'exceljs';
import type { CampaignPhase } from '../../workflows/unit-campaign/messages.js';
import { formatLateness } from '../overdue.js';
import { RAG_LABELS, type Rag, type ReportData } from './collect.js';
import { beijing, stageTitle, unitTypeLabel } from './labels.js';

export const SHEET_NAMES = {
  units: '各单位进度',
  overdue: '逾期事项',
  escalations: '督办记录',
  surveys: '测评结果',
} as const;

/** Fill colours are Excel's own "good / neutral / bad" cell styles, familiar to office staff. */
export const RAG_FILLS: Record<Rag, string> = { red: 'FFFFC7CE', amber: 'FFFFEB9C', green: 'FFC6EFCE' };

const PHASE_LABELS: Record<CampaignPhase, string> = {
  running: '进行中',
  paused: '已暂停',
  completed: '已完成',
  cancelled: '已撤销',
};

/** An in-memory workbook, or ExcelJS's streaming writer whose rows go to the file as they are committed. */
type Book = ExcelJS.Workbook | ExcelJS.stream.xlsx.WorkbookWriter;

function addSheet(book: Book, name: string, columns: { header: string; width: number }[]): ExcelJS.Worksheet {
  const ws = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

function buildReportWorkbook(data: ReportData): ExcelJS.Workbook {
  const book = new ExcelJS.Workbook();
  fillReport(book, data, false);
  return book;
}

/** The four sheets; `stream`: commit each row (and sheet) as soon as it is written, so memory stays flat. */
function fillReport(book: Book, data: ReportData, stream: boolean): void {
  const done = (row: ExcelJS.Row) => {
    if (stream) row.commit();
  };
  book.creator = '学习实践活动编排系统';
  book.created = new Date(data.generatedAt);

  const units = addSheet(book, SHEET_NAMES.units, [
    { header: '单位编号', width: 14 },
    { header: '单位名称', width: 24 },
    { header: '单位类型', width: 16 },
    { header: '指导组', width: 12 },
    { header: '当前阶段', width: 14 },
    { header: '状态', width: 8 },
    { header: '已完成事项', width: 10 },
    { header: '事项总数', width: 10 },
    { header: '逾期事项', width: 10 },
    { header: '补课轮次', width: 10 },
    { header: '流程', width: 10 },
    { header: '备注', width: 40 },
  ]);
  for (const u of data.units) {
    const s = u.summary;
    const row = units.addRow([
      u.row.unitId,
      s?.unitName ?? u.row.unitName ?? '',
      unitTypeLabel(u.row.unitType),
      u.row.group,
      s ? s.stageTitle : stageTitle(u.row.stage),
      s ? RAG_LABELS[s.rag] : '',
      s ? s.done : '',
      s ? s.total : '',
      s ? s.overdueCount : u.row.overdueCount,
      s ? s.remedialRound : u.row.remedialRound,
      s ? PHASE_LABELS[s.phase] : '',
      u.error ? `无法读取状态：${u.error}` : '',
    ]);
    if (s) row.getCell(6).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: RAG_FILLS[s.rag] } };
    done(row);
  }
  if (stream) units.commit();

  const overdue = addSheet(book, SHEET_NAMES.overdue, [
    { header: '单位编号', width: 14 },
    { header: '单位名称', width: 24 },
    { header: '指导组', width: 12 },
    { header: '事项', width: 28 },
    { header: '截止时间', width: 18 },
    { header: '逾期', width: 14 },
    { header: '督办级别', width: 10 },
    { header: '督办方式', width: 14 },
    { header: '现状', width: 12 },
    { header: '完成时间', width: 18 },
  ]);
  for (const o of data.overdue) {
    const row = overdue.addRow([
      o.unitId,
      o.unitName,
      o.group,
      o.title,
      beijing(o.dueAt),
      formatLateness(o.hoursLate),
      o.escalationLevel,
      o.escalationLabel ?? '',
      o.state,
      beijing(o.completedAt),
    ]);
    done(row);
  }
  if (stream) overdue.commit();

  const esc = addSheet(book, SHEET_NAMES.escalations, [
    { header: '单位编号', width: 14 },
    { header: '单位名称', width: 24 },
    { header: '指导组', width: 12 },
    { header: '事项', width: 28 },
    { header: '级别', width: 8 },
    { header: '督办方式', width: 14 },
    { header: '发出时间', width: 18 },
    { header: '重复次数', width: 10 },
    { header: '已确认', width: 8 },
    { header: '确认时间', width: 18 },
    { header: '确认人', width: 10 },
    { header: '送达对象', width: 40 },
    { header: '办结情况', width: 10 },
    { header: '办结时间', width: 18 },
  ]);
  for (const e of data.escalations) {
    const row = esc.addRow([
      e.unitId,
      e.unitName,
      e.group,
      e.taskTitle,
      e.level,
      e.label,
      beijing(e.firstAt),
      e.repeats,
      e.acknowledgedAt ? '是' : '否',
      beijing(e.acknowledgedAt),
      e.acknowledgedBy ?? '',
      e.to,
      e.resolution ?? '未办结',
      beijing(e.resolvedAt),
    ]);
    done(row);
  }
  if (stream) esc.commit();

  const surveys = addSheet(book, SHEET_NAMES.surveys, [
    { header: '单位编号', width: 14 },
    { header: '单位名称', width: 24 },
    { header: '指导组', width: 12 },
    { header: '轮次', width: 8 },
    { header: '测评方式', width: 12 },
    { header: '满意', width: 8 },
    { header: '基本满意', width: 10 },
    { header: '不满意', width: 8 },
    { header: '参评人数', width: 10 },
    { header: '不满意比例', width: 12 },
    { header: '需要补课', width: 10 },
    { header: '录入时间', width: 18 },
  ]);
  for (const r of data.surveys) {
    const row = surveys.addRow([
      r.unitId,
      r.unitName,
      r.group,
      r.round,
      r.method,
      r.satisfied,
      r.basicallySatisfied,
      r.dissatisfied,
      r.respondents,
      r.dissatisfiedShare,
      r.remedialNeeded ? '是' : '否',
      beijing(r.recordedAt),
    ]);
    row.getCell(10).numFmt = '0.0%';
    done(row);
  }
  if (stream) surveys.commit();
}

/** The report written row by row to `path` (ExcelJS's streaming writer): for campaigns of any size. */
export async function writeReportFileStreaming(data: ReportData, path: string): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
  });
  fillReport(book, data, true);
  await book.commit();
}

export async function reportBuffer(data: ReportData): Promise<Buffer> {
  const book = buildReportWorkbook(data);
  return Buffer.from(await book.xlsx.writeBuffer());
}

export async function writeReportFile(data: ReportData, path: string): Promise<void> {
  const book = buildReportWorkbook(data);
  await book.xlsx.writeFile(path);
}
