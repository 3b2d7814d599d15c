/**
 * A finished unit's archive, downloaded through the API and opened like a 档案室 would: every
 * uploaded file is in it byte for byte under its readable name, with its 卷内目录 row; the review
 * record names the 四不通过 items that failed; the timeline, the 督办/通报 and the 补课 rounds are
 * there. The same state gives the same bytes, and nobody outside the unit's line gets any.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_HEADERS, INDEX_SHEET } from '../../../app/archive/index-xlsx.js';
import { archiveCompletedUnits } from '../../../app/archive/archive-at-completion.js';
import { storedUnitFiles } from '../../../app/archive/stored-unit-archive.js';
import { unitArchiveStream } from '../../../app/archive/unit-archive.js';
import { readUnitRecord } from '../../../app/archive/unit-record.js';
import { FileUploadRecords } from '../../../client/api/upload-records.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import { cnDay } from '../../../app/report/briefing.js';
import { BRIEFING_HEADINGS } from '../../../app/report/briefing-docx.js';
import { SHEET_NAMES } from '../../../app/report/xlsx.js';
import { runReport } from '../../../client/commands/campaign.js';
import { readDocx } from '../../unit/report/docx-xml.js';
import { eventually, startHarness, type Harness } from '../cli/harness.js';
import { finishedCampaign, type FinishedCampaign } from './finished-unit.js';
import { unzip, type ZipEntry } from './unzip.js';

let h: Harness;
let f: FinishedCampaign;
let zip: Buffer;
let entries: ZipEntry[];
const ROOT = 'T01_青山镇机关';

beforeAll(async () => {
  h = await startHarness();
  f = await finishedCampaign(h);
  const res = await f.get('T01-liaison', `/api/campaigns/${f.campaign}/units/T01/archive.zip`);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  zip = res.rawPayload;
  entries = await unzip(zip);
}, 180_000);
afterAll(async () => {
  await f?.app.close();
  await h?.close();
});

const entry = (name: string) => entries.find((e) => e.name === `${ROOT}/${name}`);
const text = (name: string) => entry(name)?.data.toString('utf8') ?? '';

async function indexRows(): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(entry('00_卷内目录.xlsx')!.data as unknown as ArrayBuffer);
  const ws = book.getWorksheet(INDEX_SHEET)!;
  const rows: string[][] = [];
  ws.eachRow((row) =>
    rows.push(
      (row.values as unknown[])
        .slice(1)
        .map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '')),
    ),
  );
  return rows;
}

async function sheetRows(name: string): Promise<string[][]> {
  const res = await f.get('office', `/api/campaigns/${f.campaign}/report.xlsx`);
  expect(res.statusCode).toBe(200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const rows: string[][] = [];
  book
    .getWorksheet(name)!
    .eachRow((row) =>
      rows.push(
        (row.values as unknown[])
          .slice(1)
          .map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '')),
      ),
    );
  return rows;
}

describe('a finished unit’s archive', () => {
  it('holds every uploaded file byte for byte under a readable name, each with its 卷内目录 row', async () => {
    const names = entries.map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining([
        `${ROOT}/01_学习调研阶段/制定实施方案/活动实施方案_v1.pdf`,
        `${ROOT}/01_学习调研阶段/制定实施方案/活动实施方案_v2.docx`,
        `${ROOT}/02_分析检查阶段/撰写分析检查报告/领导班子分析检查报告_v1.pdf`,
        `${ROOT}/02_分析检查阶段/撰写分析检查报告/领导班子分析检查报告_v2.docx`,
        `${ROOT}/03_整改落实阶段/形成活动总结报告/活动总结报告_v1.xlsx`,
      ]),
    );
    const byUpload: Record<string, string> = {
      '实施方案初稿.pdf': '01_学习调研阶段/制定实施方案/活动实施方案_v1.pdf',
      '实施方案修改稿.docx': '01_学习调研阶段/制定实施方案/活动实施方案_v2.docx',
      '分析检查报告初稿.pdf': '02_分析检查阶段/撰写分析检查报告/领导班子分析检查报告_v1.pdf',
      '分析检查报告修改稿.docx': '02_分析检查阶段/撰写分析检查报告/领导班子分析检查报告_v2.docx',
      '活动总结.xlsx': '03_整改落实阶段/形成活动总结报告/活动总结报告_v1.xlsx',
    };
    expect([...f.uploaded.keys()].sort()).toEqual(Object.keys(byUpload).sort());
    for (const [uploadName, inZip] of Object.entries(byUpload))
      expect(entry(inZip)?.data.equals(f.uploaded.get(uploadName)!), inZip).toBe(true);

    const rows = await indexRows();
    expect(rows[0]![0]).toBe('青山镇机关归档测试活动档案 · 卷内目录');
    expect(rows[1]).toEqual([...INDEX_HEADERS]);
    const body = rows.slice(2);
    expect(body.map((r) => r[0])).toEqual(body.map((_r, i) => String(i + 1)));
    for (const inZip of Object.values(byUpload)) {
      const row = body.find((r) => r[4] === inZip);
      expect(row, inZip).toBeDefined();
      expect(row![1]).toBe('青山镇机关');
      expect(row![2]).toMatch(/（第 \d 次报送）$/);
      expect(row![3]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number(row![5])).toBe(entry(inZip)!.data.length);
    }
    const returned = body.find(
      (r) => r[4] === '02_分析检查阶段/撰写分析检查报告/领导班子分析检查报告_v1.pdf',
    )!;
    expect(returned[6]).toContain('退回修改（马立新');
    // The name the liaison's file had, from the API's upload records.
    expect(returned[6]).toContain('原文件名：分析检查报告初稿.pdf');
    expect(returned[6]).toContain(
      '征求意见范围不广的不通过；查找突出问题不准的不通过；只征求了机关干部意见，未征求村民代表意见',
    );
    expect(
      body.find((r) => r[4] === '02_分析检查阶段/撰写分析检查报告/领导班子分析检查报告_v2.docx')![6],
    ).toMatch(/^审查通过（马立新，/);
    // Every record in the zip is listed, and nothing listed is missing from the zip.
    for (const r of body) expect(entry(r[4]!), r[4]).toBeDefined();
  });

  it('has the review record with the 四不通过 items, the timeline, the 督办/通报 and the 补课 rounds', () => {
    const review = text('90_报送与审查记录.html');
    expect(review).toContain(
      '四不通过：征求意见范围不广的不通过；四不通过：查找突出问题不准的不通过；只征求了机关干部意见，未征求村民代表意见',
    );
    expect(review).toContain('时间安排不具体，请细化到周');
    expect(review).toContain('<td>退回修改</td><td>马立新</td>');
    expect(review).toContain('<td>报送（第 2 次）</td><td>王芳</td>');

    const timeline = text('91_大事记.html');
    for (const line of [
      '活动启动',
      '「撰写分析检查报告」被退回',
      '开始第 1 轮补课',
      '全部工作完成，资料归档',
    ])
      expect(timeline).toContain(line);

    const esc = text('92_催办督办通报记录.html');
    expect(esc).toContain('<td>通报（通报）</td>');
    expect(esc).toContain('<td>指导组督办（督办）</td>');
    // Rungs 3 and 4 always fire; 1 and 2 unless a late timer overtook them.
    const rungs = esc.match(/<td>传达上级精神<\/td>/g) ?? [];
    expect(rungs.length).toBeGreaterThanOrEqual(2);
    expect(rungs.length).toBeLessThanOrEqual(4);
    expect(esc).toMatch(/<td>\d{4}-\d{2}-\d{2} \d{2}:\d{2} 马立新<\/td>/);
    expect(esc).toContain('已报送');
    expect(esc).not.toContain('未办结');

    const surveys = text('93_满意度测评与补课.html');
    expect(surveys).toContain('多数不满意，须补课');
    expect(surveys).toContain('<td class="n">60.0%</td>');
    expect(surveys).toContain('补课（共 1 轮）');
    expect(surveys).toContain('补课（第1轮）：重新测评');

    const cover = text('00_封面.html');
    expect(cover).toContain('青山镇机关归档测试活动档案');
    expect(cover).toContain('第一指导检查组');
    expect(cover).toContain('经补课后群众满意');
    expect(cover).toContain('<th style="width:28%">卷内文件</th><td>5 件</td>');
  });

  it('is the same bytes when downloaded again, by the unit or its 指导组, with every entry dated by the unit’s last event', async () => {
    const again = await f.get('G1-m1', `/api/campaigns/${f.campaign}/units/T01/archive.zip`);
    expect(again.statusCode).toBe(200);
    expect(again.rawPayload.equals(zip)).toBe(true);
    const office = await f.get('office', `/api/campaigns/${f.campaign}/units/T01/archive.zip`);
    expect(office.rawPayload.equals(zip)).toBe(true);
    expect(new Set(entries.map((e) => e.mtime.getTime())).size).toBe(1);
    expect(office.headers['content-disposition']).toContain(encodeURIComponent('T01_青山镇机关_档案.zip'));
  });

  it('is refused (403, no zip) to another unit and to another 指导组', async () => {
    for (const person of ['T02-liaison', 'T03-head', 'G2-m1']) {
      const res = await f.get(person, `/api/campaigns/${f.campaign}/units/T01/archive.zip`);
      expect(res.statusCode, person).toBe(403);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.rawPayload.subarray(0, 2).toString()).not.toBe('PK');
    }
    expect(
      (await f.get('T02-liaison', `/api/campaigns/${f.campaign}/units/T01/archive.zip`)).json<{
        message: string;
      }>().message,
    ).toBe('只能下载档案本单位（T02），无权访问单位「T01」');
  });
});

describe('the Excel report once the unit has finished', () => {
  it('still lists every 催办, 督办 and 通报 the finished unit was sent, with who acknowledged and how it ended', async () => {
    const rows = (await sheetRows(SHEET_NAMES.escalations)).filter((r) => r[0] === 'T01');
    const all = [
      ['传达上级精神', '1', '催办', '否', '', '已报送'],
      ['传达上级精神', '2', '督促', '否', '', '已报送'],
      ['传达上级精神', '3', '指导组督办', '是', '马立新', '已报送'],
      ['传达上级精神', '4', '通报', '否', '', '已报送'],
    ];
    const got = rows.map((r) => [r[3], r[4], r[5], r[8], r[10], r[12]]);
    // Rungs 3 and 4 always fire; 1 and 2 unless a late timer overtook them (the workflow then skips them).
    expect(got).toEqual(expect.arrayContaining(all.slice(2)));
    for (const g of got) expect(all).toContainEqual(g);
    expect(rows.find((r) => r[4] === '4')![11]).toContain('活动办（孙主任）');
    // The units still running appear too, their 通报 not yet 办结.
    expect(
      (await sheetRows(SHEET_NAMES.escalations)).some(
        (r) => r[0] === 'T02' && r[4] === '4' && r[12] === '未办结',
      ),
    ).toBe(true);
  });

  it('still lists the item that was overdue, as done late', async () => {
    const rows = (await sheetRows(SHEET_NAMES.overdue)).filter((r) => r[0] === 'T01');
    expect(rows.map((r) => [r[3], r[6], r[7], r[8]])).toEqual([['传达上级精神', '4', '通报', '逾期后完成']]);
    expect(rows[0]![9]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  });
});

describe('the 简报 in Word', () => {
  /** The day the campaign runs on (the dev server's clock is the wall clock): its 简报 is the first issue. */
  const today = () => DateTime.now().setZone('Asia/Shanghai').toISODate()!;
  async function excelByStage(): Promise<Map<string, number[]>> {
    const res = await f.get('office', `/api/campaigns/${f.campaign}/report.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const byStage = new Map<string, number[]>();
    book.getWorksheet(SHEET_NAMES.units)!.eachRow((row, n) => {
      if (n === 1) return;
      const c = byStage.get(row.getCell(5).text) ?? [0, 0, 0, 0];
      c[['红', '黄', '绿'].indexOf(row.getCell(6).text)]! += 1;
      c[3]! += 1;
      byStage.set(row.getCell(5).text, c);
    });
    return byStage;
  }

  it('downloads for the office with the Excel report’s numbers, and is refused to a unit', async () => {
    const res = await f.get('office', `/api/campaigns/${f.campaign}/briefing.docx?date=${today()}`);
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml');
    const doc = await readDocx(res.rawPayload);
    expect(doc.paragraphs[0]!.text).toBe('学习实践活动简报');
    expect(doc.paragraphs.find((p) => p.text.startsWith('区学习实践活动办公室'))?.text).toBe(
      `区学习实践活动办公室\t${cnDay(today())}`,
    );
    expect(doc.paragraphs.filter((p) => p.style === 'Heading1').map((p) => p.text)).toEqual([
      ...BRIEFING_HEADINGS,
    ]);
    const table = doc.tables[0]!;
    expect(new Map(table.slice(1, -1).map((r) => [r[0]!, r.slice(1).map(Number)]))).toEqual(
      await excelByStage(),
    );
    expect(table.slice(1, -1).find((r) => r[0] === '已完成')).toEqual(['已完成', '0', '0', '1', '1']);

    expect((await f.get('T01-liaison', `/api/campaigns/${f.campaign}/briefing.docx`)).statusCode).toBe(403);
    const bad = await f.get('office', `/api/campaigns/${f.campaign}/briefing.docx?date=12/01`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toMatch(/^查询参数 date：应为日期 YYYY-MM-DD/);
  });

  it('is written by campaign report --docx', async () => {
    const file = path.join(h.tmp, 'briefing.docx');
    const lines: string[] = [];
    expect(
      await runReport(
        { campaign: f.campaign, docx: file, date: today() },
        { client: h.client, status: h.status, print: (l) => lines.push(l) },
      ),
    ).toBe(0);
    expect(lines).toEqual([`简报第1期（Word）已写入 ${file}`]);
    const doc = await readDocx(await readFile(file));
    expect(new Map(doc.tables[0]!.slice(1, -1).map((r) => [r[0]!, r.slice(1).map(Number)]))).toEqual(
      await excelByStage(),
    );
  });
});

describe('kept at completion, and once the whole campaign has completed', () => {
  const kept = (unit: string) => storedUnitFiles(f.archiveDir, f.campaign, unit).zip;
  const keptNow = (unit: string) => async () =>
    stat(kept(unit)).then(
      () => true,
      () => undefined,
    );

  it('keeps the completed unit’s archive without anyone asking, the same bytes as its download', async () => {
    await eventually(keptNow('T01'), 20_000, 'T01 archived at completion');
    expect((await readFile(kept('T01'))).equals(zip)).toBe(true);
    // And the same bytes as one built afresh from the workflow now (the download may have been the kept file).
    const names = new Map(
      (await new FileUploadRecords(f.uploadRecordsFile).list(f.campaign, 'T01')).map(
        (u) => [u.ref, u.filename] as const,
      ),
    );
    const fresh = await unitArchiveStream(
      await readUnitRecord(h, f.campaign, 'T01'),
      localUploadStore(f.uploadsDir),
      names,
    );
    const chunks: Buffer[] = [];
    for await (const c of fresh) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(zip)).toBe(true);
  });

  it('lists every 督办 and 通报 and every overdue item in the Excel report of the completed campaign', async () => {
    await f.finishOthers();
    const units = (await sheetRows(SHEET_NAMES.units)).slice(1);
    expect(units.map((r) => [r[0], r[10]])).toEqual([
      ['T01', '已完成'],
      ['T02', '已完成'],
      ['T03', '已完成'],
    ]);
    const escalations = (await sheetRows(SHEET_NAMES.escalations)).slice(1);
    const overdue = (await sheetRows(SHEET_NAMES.overdue)).slice(1);
    // Every unit let 传达上级精神 (due a second after the start) run late: each was 通报'd, each item overdue.
    for (const unit of ['T01', 'T02', 'T03']) {
      expect(
        escalations.some((r) => r[0] === unit && r[4] === '4' && r[5] === '通报'),
        unit,
      ).toBe(true);
      expect(
        overdue.some((r) => r[0] === unit && r[3] === '传达上级精神' && r[8] === '逾期后完成'),
        unit,
      ).toBe(true);
    }
    for (const r of escalations) expect(r[12], `${r[0]} ${r[4]}`).toBe('已报送');
  });

  it('keeps every unit’s archive, and still gives a unit’s archive once its workflow history is gone', async () => {
    for (const unit of ['T02', 'T03'])
      await eventually(keptNow(unit), 20_000, `${unit} archived at completion`);
    // Another pass finds every completed unit kept already: nothing is built or rewritten.
    const before = (await stat(kept('T01'))).mtimeMs;
    const pass = await archiveCompletedUnits({
      svc: h,
      uploads: localUploadStore(f.uploadsDir),
      campaignId: f.campaign,
      dir: f.archiveDir,
    });
    expect(pass).toEqual({ built: [], failed: [] });
    expect((await stat(kept('T01'))).mtimeMs).toBe(before);
    await h.client.workflowService.deleteWorkflowExecution({
      namespace: h.client.options.namespace,
      workflowExecution: { workflowId: `campaign/${f.campaign}/unit/T01` },
    });
    await eventually(
      () =>
        h.client.workflow
          .getHandle(`campaign/${f.campaign}/unit/T01`)
          .describe()
          .then(
            () => undefined,
            () => true,
          ),
      // The server deletes a closed workflow from a queued task that waits for its visibility
      // record; on a loaded machine that took over 20 s.
      90_000,
      'T01’s workflow deleted',
    );
    const res = await f.get('T01-liaison', `/api/campaigns/${f.campaign}/units/T01/archive.zip`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(zip)).toBe(true);
    const refused = await f.get('T02-liaison', `/api/campaigns/${f.campaign}/units/T01/archive.zip`);
    expect(refused.statusCode).toBe(403);
  }, 180_000);
});
