/**
 * The campaign archive for the office: every unit's archive plus the campaign-level reports
 * (Excel report, Word 简报), built in the background into a folder, one unit at a time (memory does
 * not grow with the campaign), with progress written to `progress.json` after every unit.
 *
 * Resumable: a unit whose archive is already there for the same record is not built again, and a
 * finished (closed) unit's archive is not even re-read, so building again after a crash or a
 * restart continues where it stopped. The download is assembled on the fly from the stored files.
 *
 * Folder: <dir>/<campaignId>/{progress.json, units/<unitId>.zip, units/<unitId>.json (record + key),
 * reports/进度报表.xlsx, reports/简报.docx}.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { CampaignServices } from '../services.js';
import yazl from 'yazl';
import type { UploadStore } from '../../client/api/uploads.js';
import type { CampaignArchiveProgress as WireProgress } from '../../client/api/wire/archive.js';
import { listUnits, type UnitRow } from '../visibility.js';
import { briefingOf } from '../report/briefing.js';
import { briefingDocx } from '../report/briefing-docx.js';
import { collectReport, type RecordSource } from '../report/collect.js';
import { writeReportFileStreaming } from '../report/xlsx.js';
import { safeSegment } from './names.js';
import {
  campaignFolder,
  exists,
  readStoredRecord,
  storeUnitArchive,
  storedUnitFiles,
  uploadNamesOf,
  writeAtomically,
  type UploadNames,
} from './stored-unit-archive.js';
import { readUnitRecord } from './unit-record.js';

export { campaignFolder };

/** As the API sends it (client/api/wire/archive.ts); a build in progress or finished is never 'none'. */
export type CampaignArchiveProgress = Omit<WireProgress, 'state' | 'startedAt' | 'updatedAt'> & {
  state: Exclude<WireProgress['state'], 'none'>;
  startedAt: string;
  updatedAt: string;
};

export interface CampaignArchiveOptions {
  svc: CampaignServices;
  uploads: UploadStore;
  campaignId: string;
  /** The folder all campaign archives live in. */
  dir: string;
  officeName: string;
  /** ISO date of the 简报 included (default today, Beijing). */
  date?: string;
  onProgress?: (p: CampaignArchiveProgress) => void;
  /** Reads a unit's record (default: status, result and history from Temporal). */
  source?: RecordSource;
  /** The units to archive (default: every unit visibility lists for the campaign). */
  units?: readonly UnitRow[];
  now?: () => number;
  /** Names the files were uploaded under, printed in each 卷内目录 (optional). */
  uploadRecords?: UploadNames | undefined;
  /** Stops between two units; the progress stays 'running' and the next build continues from there. */
  signal?: AbortSignal;
}

export async function readProgress(
  dir: string,
  campaignId: string,
): Promise<CampaignArchiveProgress | undefined> {
  try {
    return JSON.parse(
      await readFile(path.join(campaignFolder(dir, campaignId), 'progress.json'), 'utf8'),
    ) as CampaignArchiveProgress;
  } catch {
    return undefined;
  }
}

/** A unit's stored record, as the campaign reports read it after the workflow is gone. */
function storedRecordSource(dir: string, campaignId: string): RecordSource {
  return async (_c, unitId) => {
    const r = await readStoredRecord(dir, campaignId, unitId);
    if (!r) throw new Error(`单位 ${unitId} 没有已归档的记录`);
    return r;
  };
}

export async function buildCampaignArchive(o: CampaignArchiveOptions): Promise<CampaignArchiveProgress> {
  const now = o.now ?? Date.now;
  const folder = campaignFolder(o.dir, o.campaignId);
  const unitsDir = path.join(folder, 'units');
  await mkdir(unitsDir, { recursive: true });
  const source = o.source ?? ((c, u) => readUnitRecord(o.svc, c, u));
  const units = o.units ?? (await listUnits(o.svc.client, { campaignId: o.campaignId }));
  const p: CampaignArchiveProgress = {
    campaignId: o.campaignId,
    state: 'running',
    startedAt: new Date(now()).toISOString(),
    updatedAt: new Date(now()).toISOString(),
    total: units.length,
    done: 0,
    reused: 0,
    failed: [],
  };
  const save = async () => {
    p.updatedAt = new Date(now()).toISOString();
    await writeAtomically(path.join(folder, 'progress.json'), (tmp) =>
      writeFile(tmp, `${JSON.stringify(p, null, 1)}\n`),
    );
    o.onProgress?.({ ...p, failed: [...p.failed] });
  };
  await save();
  try {
    for (const u of units) {
      if (o.signal?.aborted) return p;
      const f = storedUnitFiles(o.dir, o.campaignId, u.unitId);
      try {
        // A closed workflow's record cannot change: an archive built for it is final.
        if (u.status !== 'Running' && (await exists(f.zip)) && (await exists(f.meta))) {
          p.done += 1;
          p.reused += 1;
          await save();
          continue;
        }
        const record = await source(o.campaignId, u.unitId);
        const names = await uploadNamesOf(o.uploadRecords, o.campaignId, u.unitId);
        if ((await storeUnitArchive(o.dir, record, o.uploads, names)) === 'reused') p.reused += 1;
        p.done += 1;
      } catch (e) {
        p.failed.push({ unitId: u.unitId, error: (e as Error).message });
      }
      await save();
    }
    // The campaign's reports, from the stored records: the same numbers whether the workflows are still there or not.
    const reportsDir = path.join(folder, 'reports');
    await mkdir(reportsDir, { recursive: true });
    const stored = storedRecordSource(o.dir, o.campaignId);
    const data = await collectReport(o.svc, { campaignId: o.campaignId }, now, stored, units);
    const date = o.date ?? new Date(now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const b = briefingOf(data, {
      campaignTitle: data.campaignTitle ?? o.campaignId,
      officeName: o.officeName,
      date,
    });
    // Written row by row: a 10,000-unit report never sits whole in memory as a workbook.
    await writeAtomically(path.join(reportsDir, '进度报表.xlsx'), (tmp) =>
      writeReportFileStreaming(data, tmp),
    );
    await writeAtomically(path.join(reportsDir, '简报.docx'), async (tmp) =>
      writeFile(tmp, await briefingDocx(b)),
    );
    p.reports = ['进度报表.xlsx', '简报.docx'];
    p.state = p.failed.length === 0 ? 'done' : 'failed';
    if (p.failed.length > 0) p.error = `${p.failed.length} 个单位未能归档，再次生成会只处理这些单位`;
  } catch (e) {
    p.state = 'failed';
    p.error = (e as Error).message;
  }
  await save();
  return p;
}

/**
 * The whole campaign archive as one zip, streamed from the folder: the reports, then each unit's
 * zip as it was stored (not recompressed). Memory stays flat however many units there are.
 */
export async function campaignArchiveStream(dir: string, campaignId: string): Promise<Readable> {
  const folder = campaignFolder(dir, campaignId);
  const root = safeSegment(`${campaignId}_活动档案`);
  const zip = new yazl.ZipFile();
  const out = new PassThrough();
  zip.outputStream.pipe(out);
  zip.on('error', (e: Error) => out.destroy(e));
  // A fixed time: the stored files carry their own dates, and the same files give the same bytes.
  const mtime = new Date('2000-01-01T00:00:00+08:00');
  const opts = { mtime, mode: 0o100644, forceDosTimestamp: true, compress: false } as const;
  for (const name of ['进度报表.xlsx', '简报.docx']) {
    const file = path.join(folder, 'reports', name);
    if (await exists(file))
      zip.addReadStreamLazy(`${root}/00_活动报表/${name}`, opts, (cb) => cb(null, createReadStream(file)));
  }
  const files = (await readdir(path.join(folder, 'units'))).filter((f) => f.endsWith('.zip')).sort();
  for (const f of files)
    zip.addReadStreamLazy(`${root}/单位档案/${f.replace(/\.zip$/, '')}_档案.zip`, opts, (cb) =>
      cb(null, createReadStream(path.join(folder, 'units', f))),
    );
  zip.end();
  return out;
}
