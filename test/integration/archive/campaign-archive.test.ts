/**
 * The campaign archive for the office: built in the background through the API with progress,
 * downloadable once done (the reports and every unit's archive, the finished unit's byte for byte
 * as its own download), refused to others, and resumable: a build stopped after one unit goes on
 * from there, reusing what was built.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHEET_NAMES } from '../../../app/report/xlsx.js';
import { readDocx } from '../../unit/report/docx-xml.js';
import {
  buildCampaignArchive,
  campaignFolder,
  type CampaignArchiveProgress,
} from '../../../app/archive/campaign-archive.js';
import { FileUploadRecords } from '../../../client/api/upload-records.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import { runArchiveStatus, runArchiveUnit } from '../../../client/archive-commands.js';
import { eventually, startHarness, type Harness } from '../cli/harness.js';
import { finishedCampaign, type FinishedCampaign } from './finished-unit.js';
import { unzip } from './unzip.js';

let h: Harness;
let f: FinishedCampaign;

beforeAll(async () => {
  h = await startHarness();
  f = await finishedCampaign(h);
}, 180_000);
afterAll(async () => {
  await f?.app.close();
  await h?.close();
});

const url = () => `/api/campaigns/${f.campaign}/archive`;

describe('the campaign archive', () => {
  it('builds in the background with progress and downloads as one zip of reports and unit archives', async () => {
    expect((await f.get('office', `${url()}.zip`)).statusCode).toBe(409);
    const started = await f.app.inject({
      method: 'POST',
      url: url(),
      headers: { authorization: await f.tokenHeader('office') },
    });
    expect(started.statusCode).toBe(202);
    // The answer is the build just started, never the 尚未生成 of before it (the console polls only
    // while it reads 正在生成).
    expect(started.json<CampaignArchiveProgress>()).toMatchObject({ total: 3 });
    expect(['running', 'done']).toContain(started.json<CampaignArchiveProgress>().state);
    const done = await eventually(
      async () => {
        const p = (await f.get('office', url())).json<CampaignArchiveProgress>();
        return p.state === 'done' ? p : undefined;
      },
      60_000,
      'the campaign archive',
    );
    expect(done).toMatchObject({ total: 3, done: 3, failed: [], reports: ['进度报表.xlsx', '简报.docx'] });

    const res = await f.get('office', `${url()}.zip`);
    expect(res.statusCode).toBe(200);
    const entries = await unzip(res.rawPayload);
    const root = `${f.campaign}_活动档案`;
    expect(entries.map((e) => e.name)).toEqual([
      `${root}/00_活动报表/进度报表.xlsx`,
      `${root}/00_活动报表/简报.docx`,
      `${root}/单位档案/T01_档案.zip`,
      `${root}/单位档案/T02_档案.zip`,
      `${root}/单位档案/T03_档案.zip`,
    ]);
    const own = await f.get('T01-liaison', `/api/campaigns/${f.campaign}/units/T01/archive.zip`);
    expect(entries.find((e) => e.name.endsWith('T01_档案.zip'))!.data.equals(own.rawPayload)).toBe(true);
    expect(
      (await unzip(entries.find((e) => e.name.endsWith('T03_档案.zip'))!.data)).some(
        (e) => e.name === 'T03_东岭镇机关/00_卷内目录.xlsx',
      ),
    ).toBe(true);
    // The campaign's Excel report, written row by row, opens with every sheet and a row per unit.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(
      entries.find((e) => e.name.endsWith('进度报表.xlsx'))!.data as unknown as ArrayBuffer,
    );
    expect(book.worksheets.map((w) => w.name)).toEqual(Object.values(SHEET_NAMES));
    const units: string[] = [];
    book.getWorksheet(SHEET_NAMES.units)!.eachRow((row, n) => n > 1 && units.push(row.getCell(1).text));
    expect(units).toEqual(['T01', 'T02', 'T03']);
    expect(
      (await readDocx(entries.find((e) => e.name.endsWith('简报.docx'))!.data)).paragraphs[0]!.text,
    ).toBe('学习实践活动简报');
    // The same stored files give the same bytes.
    expect((await f.get('office', `${url()}.zip`)).rawPayload.equals(res.rawPayload)).toBe(true);
    // 重新生成 answers with the new build, not with the finished one before it.
    const again = await f.app.inject({
      method: 'POST',
      url: url(),
      headers: { authorization: await f.tokenHeader('office') },
    });
    expect(again.statusCode).toBe(202);
    expect(again.json<CampaignArchiveProgress>().startedAt > done.startedAt).toBe(true);
    await eventually(
      async () =>
        (await f.get('office', url())).json<CampaignArchiveProgress>().state === 'done' || undefined,
      60_000,
      'the rebuilt campaign archive',
    );
  });

  it('is the office’s: a 指导组 member or a unit can neither start it nor see it', async () => {
    for (const person of ['G1-m1', 'T01-liaison']) {
      const res = await f.app.inject({
        method: 'POST',
        url: url(),
        headers: { authorization: await f.tokenHeader(person) },
      });
      expect(res.statusCode, person).toBe(403);
      expect((await f.get(person, `${url()}.zip`)).statusCode).toBe(403);
    }
  });

  it('goes on from where a stopped build left off, and does not build a finished unit again', async () => {
    const dir = path.join(h.tmp, 'resume');
    const uploads = localUploadStore(f.uploadsDir);
    const stop = new AbortController();
    const first = await buildCampaignArchive({
      svc: h,
      uploads,
      uploadRecords: new FileUploadRecords(f.uploadRecordsFile),
      campaignId: f.campaign,
      dir,
      officeName: '区学习实践活动办公室',
      signal: stop.signal,
      onProgress: (p) => p.done === 1 && stop.abort(),
    });
    expect(first).toMatchObject({ state: 'running', total: 3, done: 1, reused: 0 });
    const t01 = path.join(campaignFolder(dir, f.campaign), 'units', 'T01.zip');
    const before = await stat(t01);
    const second = await buildCampaignArchive({
      svc: h,
      uploads,
      uploadRecords: new FileUploadRecords(f.uploadRecordsFile),
      campaignId: f.campaign,
      dir,
      officeName: '区学习实践活动办公室',
    });
    expect(second).toMatchObject({ state: 'done', total: 3, done: 3 });
    expect(second.reused).toBeGreaterThanOrEqual(1);
    expect((await stat(t01)).mtimeMs).toBe(before.mtimeMs);
    const progress = JSON.parse(
      await readFile(path.join(campaignFolder(dir, f.campaign), 'progress.json'), 'utf8'),
    ) as CampaignArchiveProgress;
    expect(progress.state).toBe('done');
  });
});

describe('campaign archive on the command line', () => {
  it('writes a unit’s archive (the same bytes as the API’s) and tells how far a build got', async () => {
    const out = path.join(h.tmp, 'T01.zip');
    const lines: string[] = [];
    const print = (l: string) => lines.push(l);
    expect(
      await runArchiveUnit(
        { campaign: f.campaign, unit: 'T01', out, uploads: f.uploadsDir, uploadRecords: f.uploadRecordsFile },
        h,
        print,
      ),
    ).toBe(0);
    expect(lines[0]).toBe(
      `单位 T01（青山镇机关）的档案已写入 ${out}：报送材料 5 个文件，审查记录 4 条，督办通报 ${lines[0]!.match(/督办通报 (\d+) 条/)![1]} 条`,
    );
    const own = await f.get('office', `/api/campaigns/${f.campaign}/units/T01/archive.zip`);
    expect((await readFile(out)).equals(own.rawPayload)).toBe(true);

    expect(await runArchiveStatus({ campaign: f.campaign, out: path.join(h.tmp, 'resume') }, print)).toBe(0);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^活动 ${f.campaign} 档案已完成：3/3 个单位（其中 \\d 个沿用已生成的档案）；最近更新 `),
    );
    expect(await runArchiveStatus({ campaign: 'no-such', out: path.join(h.tmp, 'resume') }, print)).toBe(1);
    expect(lines.at(-1)).toBe(`活动 no-such 还没有生成过档案（${path.join(h.tmp, 'resume')}）`);
  });
});
