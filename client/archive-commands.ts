/**
 * `campaign archive unit | build | status`: a unit's archive as a zip file, the whole campaign's
 * archive built into a folder with a progress bar (run again to continue after an interruption),
 * and how far a build got. Each `run…` takes a connected client and a printer, for tests.
 */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { CampaignServices } from '../app/services.js';
import { lazyStatusStore, openConfiguredStatusStore } from '../app/status/open.js';
import type { Command } from 'commander';
import {
  buildCampaignArchive,
  campaignArchiveStream,
  readProgress,
  type CampaignArchiveProgress,
} from '../app/archive/campaign-archive.js';
import { unitArchiveStream } from '../app/archive/unit-archive.js';
import { readUnitRecord } from '../app/archive/unit-record.js';
import { DEFAULT_OFFICE, loadOfficeFile } from '../app/people.js';
import { CampaignFailure } from '../domain/failures.js';
import { FileUploadRecords } from './api/upload-records.js';
import { openUploadStore, uploadStoreConfig } from './api/uploads-config.js';
import { progressBar } from './commands/campaign/progress.js';
import { connectClient } from './connection.js';

type Print = (line: string) => void;
const DEFAULT_UPLOADS = process.env.CAMPAIGN_UPLOADS_DIR ?? '.data/uploads';
const DEFAULT_ARCHIVE = process.env.CAMPAIGN_ARCHIVE_DIR ?? '.data/archive';

/** The upload-records file (JSON lines) the API keeps, when given: the 卷内目录 then names each file as uploaded. */
function uploadRecordsOf(file: string | undefined): FileUploadRecords | undefined {
  return file ? new FileUploadRecords(file) : undefined;
}

export async function runArchiveUnit(
  o: { campaign: string; unit: string; out: string; uploads?: string; uploadRecords?: string },
  svc: CampaignServices,
  print: Print,
): Promise<number> {
  const uploads = openUploadStore(uploadStoreConfig(process.env, o.uploads ?? DEFAULT_UPLOADS));
  const record = await readUnitRecord(svc, o.campaign, o.unit);
  const names = new Map(
    (await uploadRecordsOf(o.uploadRecords)?.list(o.campaign, o.unit))?.map(
      (u) => [u.ref, u.filename] as const,
    ),
  );
  await pipeline(await unitArchiveStream(record, uploads, names), createWriteStream(o.out));
  print(
    `单位 ${o.unit}（${record.input.unit.name}）的档案已写入 ${o.out}：报送材料 ${record.submissions.reduce((n, s) => n + s.fileRefs.length, 0)} 个文件，审查记录 ${record.reviews.length} 条，督办通报 ${record.escalations.length} 条`,
  );
  return 0;
}

function describeProgress(p: CampaignArchiveProgress): string {
  const state = { running: '生成中', done: '已完成', failed: '未完成' }[p.state];
  const failed =
    p.failed.length > 0
      ? `；${p.failed.length} 个单位未能归档：${p.failed.map((f) => `${f.unitId}（${f.error}）`).join('，')}`
      : '';
  return `活动 ${p.campaignId} 档案${state}：${p.done}/${p.total} 个单位（其中 ${p.reused} 个沿用已生成的档案）${failed}`;
}

async function runArchiveBuild(
  o: {
    campaign: string;
    out: string;
    uploads?: string;
    uploadRecords?: string;
    office?: string;
    zip?: string;
    date?: string;
  },
  svc: CampaignServices,
  print: Print,
): Promise<number> {
  const uploads = openUploadStore(uploadStoreConfig(process.env, o.uploads ?? DEFAULT_UPLOADS));
  const office = o.office ? await loadOfficeFile(o.office) : { ok: true as const, office: DEFAULT_OFFICE };
  if (!office.ok) {
    print(office.errors.join('\n'));
    return 1;
  }
  let bar: ReturnType<typeof progressBar> | undefined;
  let shown = 0;
  const p = await buildCampaignArchive({
    svc,
    uploads,
    uploadRecords: uploadRecordsOf(o.uploadRecords),
    campaignId: o.campaign,
    dir: o.out,
    officeName: office.office.name,
    ...(o.date ? { date: o.date } : {}),
    onProgress: (x) => {
      bar ??= progressBar(x.total, '生成单位档案');
      for (; shown < x.done + x.failed.length; shown++) bar.tick();
    },
  });
  bar?.done();
  print(describeProgress(p));
  if (p.state === 'done' && o.zip) {
    await pipeline(await campaignArchiveStream(o.out, o.campaign), createWriteStream(o.zip));
    print(`全活动档案已写入 ${o.zip}`);
  }
  return p.state === 'done' ? 0 : 1;
}

export async function runArchiveStatus(o: { campaign: string; out: string }, print: Print): Promise<number> {
  const p = await readProgress(o.out, o.campaign);
  if (!p) {
    print(`活动 ${o.campaign} 还没有生成过档案（${o.out}）`);
    return 1;
  }
  print(`${describeProgress(p)}；最近更新 ${p.updatedAt}`);
  return 0;
}

async function withClient(fn: (svc: CampaignServices) => Promise<number>): Promise<void> {
  let code = 1;
  try {
    const c = await connectClient();
    const status = lazyStatusStore(() => openConfiguredStatusStore(process.env));
    try {
      code = await fn({ client: c.client, status });
    } finally {
      await Promise.allSettled([c.close(), status.close()]);
    }
  } catch (e) {
    console.error(e instanceof CampaignFailure ? e.message : `出错了：${(e as Error).message}`);
  }
  process.exitCode = code;
}

export function registerArchiveCommands(program: Command): void {
  const archive = program.command('archive').description('资料归档：单位档案（zip）与全活动档案');
  archive
    .command('unit')
    .description('导出一个单位的档案：报送材料、审查记录、大事记、督办通报、测评与补课、卷内目录和封面')
    .requiredOption('--campaign <id>', '活动编号')
    .requiredOption('--unit <id>', '单位编号')
    .requiredOption('--out <file>', '输出的 zip 文件')
    .option('--uploads <dir>', '文件存放目录', DEFAULT_UPLOADS)
    .option('--upload-records <file>', 'API 的上传记录文件（卷内目录中写明原文件名）')
    .action((o: { campaign: string; unit: string; out: string; uploads: string; uploadRecords?: string }) =>
      withClient((svc) => runArchiveUnit({ ...o, out: path.resolve(o.out) }, svc, (l) => console.log(l))),
    );
  archive
    .command('build')
    .description('生成全活动档案（各单位档案、Excel 报表、Word 简报）；中断后再运行一次即从中断处继续')
    .requiredOption('--campaign <id>', '活动编号')
    .option('--out <dir>', '档案目录', DEFAULT_ARCHIVE)
    .option('--zip <file>', '生成完毕后再写出一个总的 zip 文件')
    .option('--uploads <dir>', '文件存放目录', DEFAULT_UPLOADS)
    .option('--upload-records <file>', 'API 的上传记录文件（卷内目录中写明原文件名）')
    .option('--office <file>', '活动办（YAML，简报报头署名）')
    .option('--date <date>', '简报日期 YYYY-MM-DD（默认今天）')
    .action(
      (o: {
        campaign: string;
        out: string;
        zip?: string;
        uploads: string;
        uploadRecords?: string;
        office?: string;
        date?: string;
      }) =>
        withClient((svc) =>
          runArchiveBuild(
            { ...o, out: path.resolve(o.out), ...(o.zip ? { zip: path.resolve(o.zip) } : {}) },
            svc,
            (l) => console.log(l),
          ),
        ),
    );
  archive
    .command('status')
    .description('全活动档案生成到哪里了')
    .requiredOption('--campaign <id>', '活动编号')
    .option('--out <dir>', '档案目录', DEFAULT_ARCHIVE)
    .action(async (o: { campaign: string; out: string }) => {
      process.exitCode = await runArchiveStatus({ ...o, out: path.resolve(o.out) }, (l) => console.log(l));
    });
}
