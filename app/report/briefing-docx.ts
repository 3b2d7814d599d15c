/**
 * The weekly 简报 as a Word document, in the layout offices use: the red masthead
 * (学习实践活动简报, 第N期, issuing office and date over a red rule), then 一、总体进展 in words and
 * numbers, 二、红黄绿 by stage and by 指导组 (tables and a chart), 三、督办和通报, 四、满意度测评, and
 * the distribution line (报、送、发) at the foot. Body text in 仿宋, headings in 黑体, titles in 宋体.
 */
import { writeFile } from 'node:fs/promises';
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  ImageRun,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TabStopType,
  TextRun,
  WidthType,
} from 'docx';
import { withFixedTimes } from '../archive/fixed-zip.js';
import { DateTime } from 'luxon';
import { RAG_ORDER, briefingOf, cnDay, progressWords, type BriefingData, type RagCount } from './briefing.js';
import type { ReportData } from './collect.js';
import { stageChartPng } from './chart.js';
import { beijing } from './labels.js';

const FANGSONG = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '仿宋' };
const HEITI = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '黑体' };
const SONGTI = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '宋体' };
const RED = 'C00000';
/** Header fills: Excel's bad / neutral / good, as in the report's 状态 column. */
const RAG_FILL = { red: 'FFC7CE', amber: 'FFEB9C', green: 'C6EFCE' } as const;
const RAG_HEAD = { red: '红', amber: '黄', green: '绿' } as const;

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export const BRIEFING_HEADINGS = [
  '一、总体进展',
  '二、各阶段、各指导组红黄绿情况',
  '三、本期督办和通报',
  '四、群众满意度测评情况',
] as const;

const body = (text: string) =>
  new Paragraph({ children: [new TextRun(text)], indent: { firstLine: 640 }, spacing: { line: 520 } });
const heading = (text: string) =>
  new Paragraph({ text, heading: HeadingLevel.HEADING_1, spacing: { before: 240, after: 120 } });

/** Text width of an A4 page with the margins below, in twips. */
const TEXT_WIDTH = 8844;

function cell(
  text: string,
  o: {
    bold?: boolean;
    fill?: string;
    align?: (typeof AlignmentType)[keyof typeof AlignmentType];
    width?: number;
  } = {},
): TableCell {
  return new TableCell({
    margins: { top: 60, bottom: 60, left: 80, right: 80 },
    ...(o.width ? { width: { size: o.width, type: WidthType.DXA } } : {}),
    children: [
      new Paragraph({
        alignment: o.align ?? AlignmentType.CENTER,
        children: [new TextRun({ text, bold: o.bold ?? false, size: 24 })],
      }),
    ],
    ...(o.fill ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: o.fill } } : {}),
  });
}

/** `shares`: each column's part of the text width (they are scaled to fill it). */
function table(
  header: string[],
  rows: string[][],
  shares: number[],
  fills: (string | undefined)[] = [],
): Table {
  const total = shares.reduce((a, b) => a + b, 0);
  const widths = shares.map((x) => Math.floor((x / total) * TEXT_WIDTH));
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    rows: [
      new TableRow({
        tableHeader: true,
        children: header.map((h, i) =>
          cell(h, { bold: true, fill: fills[i] ?? 'E7E6E6', width: widths[i]! }),
        ),
      }),
      ...rows.map(
        (r) =>
          new TableRow({
            children: r.map((c, i) =>
              cell(c, { align: i === 0 ? AlignmentType.LEFT : AlignmentType.CENTER, width: widths[i]! }),
            ),
          }),
      ),
    ],
  });
}

/** The 红黄绿 table: one row per stage or 指导组, then 合计. */
function ragTable(first: string, rows: readonly RagCount[]): Table {
  const sum = (k: 'red' | 'amber' | 'green' | 'total') => rows.reduce((s, r) => s + r[k], 0);
  return table(
    [first, ...RAG_ORDER.map((k) => RAG_HEAD[k]), '合计'],
    [
      ...rows.map((r) => [r.name, String(r.red), String(r.amber), String(r.green), String(r.total)]),
      ['合计', String(sum('red')), String(sum('amber')), String(sum('green')), String(sum('total'))],
    ],
    [3, 1.5, 1.5, 1.5, 1.5],
    [undefined, ...RAG_ORDER.map((k) => RAG_FILL[k]), undefined],
  );
}

function masthead(b: BriefingData): Paragraph[] {
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 200, after: 120 },
      children: [new TextRun({ text: '学习实践活动简报', font: SONGTI, size: 80, bold: true, color: RED })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [new TextRun({ text: `第${b.issue}期`, size: 32 })],
    }),
    new Paragraph({
      tabStops: [{ type: TabStopType.RIGHT, position: 9000 }],
      border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 4 } },
      spacing: { after: 360 },
      children: [
        new TextRun({ text: b.officeName, size: 28 }),
        new TextRun({ text: `\t${cnDay(b.date)}`, size: 28 }),
      ],
    }),
  ];
}

/** The docx library numbers drawings with a counter shared by every document the process writes: number them per document. */
function renumberDrawings(name: string, data: Buffer): Buffer {
  if (name !== 'word/document.xml') return data;
  let n = 0;
  return Buffer.from(data.toString('utf8').replace(/<wp:docPr id="\d+"/g, () => `<wp:docPr id="${++n}"`));
}

export async function briefingDocx(b: BriefingData): Promise<Buffer> {
  const chart = stageChartPng(b.byStage, '各阶段单位红黄绿分布');
  const chartWidth = 560;
  const children: (Paragraph | Table)[] = [
    ...masthead(b),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [new TextRun({ text: `${b.campaignTitle}进展情况`, font: SONGTI, size: 36, bold: true })],
    }),
    heading(BRIEFING_HEADINGS[0]),
    ...progressWords(b).map(body),
    heading(BRIEFING_HEADINGS[1]),
    body('红色：逾期事项已升至指导组督办或通报；黄色：有逾期、被退回、正在补课或暂停；绿色：按计划推进。'),
    ragTable('阶段', b.byStage),
    new Paragraph({ spacing: { before: 120, after: 120 }, text: '' }),
    ragTable('指导组', b.byGroup),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 240 },
      children: [
        new ImageRun({
          type: 'png',
          data: chart.png,
          transformation: {
            width: chartWidth,
            height: Math.round((chart.height * chartWidth) / chart.width),
          },
          altText: {
            name: '各阶段单位红黄绿分布',
            description: '各阶段红黄绿单位数',
            title: '各阶段单位红黄绿分布',
          },
        }),
      ],
    }),
    heading(BRIEFING_HEADINGS[2]),
  ];
  if (b.escalations.length === 0)
    children.push(body(`${cnDay(b.periodFrom)}至${cnDay(b.date)}，没有发出督办或通报。`));
  else {
    children.push(
      body(`${cnDay(b.periodFrom)}至${cnDay(b.date)}，共发出督办、通报 ${b.escalations.length} 次：`),
    );
    children.push(
      table(
        ['序号', '单位', '事项', '方式', '发出时间', '签收', '办结'],
        b.escalations.map((e, i) => [
          String(i + 1),
          e.unitName,
          e.taskTitle,
          `${e.label}（第${e.level}级）`,
          beijing(e.at),
          e.acknowledged ? '已签收' : '未签收',
          e.resolution ?? '未办结',
        ]),
        // Wide enough for a five-character unit name and for 未签收 / 未办结 on one line at 12 pt.
        [0.9, 2.0, 2.1, 2.2, 1.8, 1.2, 1.2],
      ),
    );
  }
  children.push(heading(BRIEFING_HEADINGS[3]));
  if (b.surveys.length === 0) children.push(body('目前还没有单位开展群众满意度测评。'));
  else {
    const remedial = b.surveys.filter((s) => s.remedialNeeded).length;
    children.push(
      body(
        `已有 ${b.surveys.length} 个单位开展了群众满意度测评，其中 ${remedial} 个单位最近一次测评多数群众不满意，正在补课。`,
      ),
    );
    children.push(
      table(
        ['单位', '测评轮次', '参评人数', '满意和基本满意', '不满意', '结论'],
        b.surveys.map((s) => [
          s.unitName,
          `第${s.round}次`,
          String(s.respondents),
          `${(s.satisfiedRate * 100).toFixed(1)}%`,
          `${(s.dissatisfiedShare * 100).toFixed(1)}%`,
          s.remedialNeeded ? '须补课' : '通过',
        ]),
        [2.2, 1.2, 1.2, 1.8, 1.2, 1.2],
      ),
    );
  }
  children.push(
    new Paragraph({
      spacing: { before: 600 },
      border: {
        top: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 4 },
        bottom: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 4 },
      },
      children: [new TextRun({ text: '报：活动领导小组　送：各指导检查组　发：各参学单位', size: 24 })],
    }),
  );

  const doc = new Document({
    creator: b.officeName,
    title: `学习实践活动简报 第${b.issue}期`,
    description: `${b.campaignTitle}（${b.campaignId}）`,
    styles: {
      default: {
        document: { run: { font: FANGSONG, size: 32 } },
        heading1: {
          run: { font: HEITI, size: 32, bold: false, color: '000000' },
          paragraph: { spacing: { before: 240, after: 120 } },
        },
      },
    },
    sections: [
      { properties: { page: { margin: { top: 1440, bottom: 1440, left: 1588, right: 1474 } } }, children },
    ],
  });
  // Same data, same bytes: the document's dates and zip times come from the issue's date.
  return withFixedTimes(await Packer.toBuffer(doc), new Date(`${b.date}T00:00:00+08:00`), renumberDrawings);
}

async function writeBriefingFile(b: BriefingData, file: string): Promise<void> {
  await writeFile(file, await briefingDocx(b));
}

/** `campaign report --docx`: the 简报 of `date` (default today, Beijing) from report data; returns its issue number. */
export async function writeBriefingFor(
  data: ReportData,
  file: string,
  o: { officeName: string; date?: string; now?: number },
): Promise<number> {
  const date = o.date ?? DateTime.fromMillis(o.now ?? Date.now(), { zone: 'Asia/Shanghai' }).toISODate()!;
  const b = briefingOf(data, {
    campaignTitle: data.campaignTitle ?? data.campaignId,
    officeName: o.officeName,
    date,
  });
  await writeBriefingFile(b, file);
  return b.issue;
}
