/**
 * One unit's archive as a zip stream: every submitted file under a readable name, the records
 * (审查记录, 大事记, 督办/通报, 测评与补课), the record as JSON for later reports, a printable cover
 * and the Excel 卷内目录. Files stream from the upload store one at a time (never whole in memory);
 * entries come in a fixed order with the record's own time, so the same record gives the same bytes.
 */
import { PassThrough, Transform, type Readable } from 'node:stream';
import yazl from 'yazl';
import type { UploadStore } from '../../client/api/uploads.js';
import {
  archiveTitle,
  coverHtml,
  day,
  escalationsHtml,
  reviewHtml,
  surveysHtml,
  timelineHtml,
} from './documents.js';
import { indexWorkbook, type IndexRow } from './index-xlsx.js';
import { deliverableTitles, fileBaseName, pad2, readHead, safeSegment, sniffExtension } from './names.js';
import type { ReviewRecord, SubmissionRecord, UnitRecord } from './unit-record.js';

const RECORD_JSON = '99_数据/unit-record.json';
const INDEX_XLSX = '00_卷内目录.xlsx';
const COVER_HTML = '00_封面.html';

export interface PlannedFile {
  path: string;
  ref: string;
  submission: SubmissionRecord;
  title: string;
  note: string;
}

const rootFolder = (r: UnitRecord): string => safeSegment(`${r.unitId}_${r.input.unit.name}`);

function reviewOf(r: UnitRecord, s: SubmissionRecord): ReviewRecord | undefined {
  const next = r.submissions.find((x) => x.taskId === s.taskId && x.n === s.n + 1);
  return r.reviews.find((v) => v.taskId === s.taskId && v.at >= s.at && (!next || v.at <= next.at));
}

function noteOf(r: UnitRecord, s: SubmissionRecord): string {
  const task = r.status.tasks.find((t) => t.taskId === s.taskId);
  const v = reviewOf(r, s);
  const outcome = v
    ? v.decision === 'approve'
      ? `审查通过（${v.byName}，${day(v.at)}）`
      : `退回修改（${v.byName}，${day(v.at)}）：${[...v.failedItems.map((f) => f.text), ...v.reasons].join('；')}`
    : task?.needsReview
      ? '待审查'
      : '已报送';
  return `${outcome}；报送人：${s.byName}`;
}

/** Where each submitted file goes, after a look at its first bytes for the extension. Missing files are listed, not fatal. */
async function planFiles(
  r: UnitRecord,
  uploads: UploadStore,
  originalNames?: ReadonlyMap<string, string>,
): Promise<{
  files: PlannedFile[];
  missing: { ref: string; submission: SubmissionRecord; title: string }[];
}> {
  const order = new Map(r.status.tasks.map((t, i) => [t.taskId, i]));
  const stageIndex = new Map(r.status.stages.map((s, i) => [s.stageId, i + 1]));
  const subs = [...r.submissions].sort(
    (a, b) => (order.get(a.taskId) ?? 1e9) - (order.get(b.taskId) ?? 1e9) || a.n - b.n,
  );
  const files: PlannedFile[] = [];
  const missing: { ref: string; submission: SubmissionRecord; title: string }[] = [];
  const used = new Set<string>();
  for (const s of subs) {
    const task = r.status.tasks.find((t) => t.taskId === s.taskId);
    const stage = r.status.stages.find((x) => x.stageId === task?.stageId);
    const folder = `${pad2(stageIndex.get(task?.stageId ?? '') ?? 0)}_${safeSegment(stage?.title ?? '其他')}/${safeSegment(task?.title ?? s.taskId)}`;
    const deliverables = deliverableTitles(r.plan, s.taskId);
    for (const [k, ref] of s.fileRefs.entries()) {
      const base = fileBaseName(task?.title ?? s.taskId, deliverables, k, s.fileRefs.length);
      const stream = await uploads.open(ref);
      if (!stream) {
        missing.push({ ref, submission: s, title: base });
        continue;
      }
      const ext = sniffExtension(await readHead(stream));
      let path = `${folder}/${safeSegment(base)}_v${s.n}.${ext}`;
      for (let i = 2; used.has(path); i++) path = `${folder}/${safeSegment(base)}_v${s.n}_${i}.${ext}`;
      used.add(path);
      const original = originalNames?.get(ref);
      files.push({
        path,
        ref,
        submission: s,
        title: `${base}（第 ${s.n} 次报送）`,
        note: `${noteOf(r, s)}${original ? `；原文件名：${original}` : ''}`,
      });
    }
  }
  return { files, missing };
}

function counting(onEnd: (bytes: number) => void): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      onEnd(n);
      cb();
    },
  });
}

/**
 * The archive as a stream. Errors (a file that vanished between planning and streaming, a store
 * failure) are emitted on the stream: the caller must not send a half archive as if whole.
 */
/** `originalNames`: ref → the name the file was uploaded under (upload records), printed in the 卷内目录's 备注. */
export async function unitArchiveStream(
  r: UnitRecord,
  uploads: UploadStore,
  originalNames?: ReadonlyMap<string, string>,
): Promise<Readable> {
  const { files, missing } = await planFiles(r, uploads, originalNames);
  const root = rootFolder(r);
  const mtime = new Date(r.asOf);
  const opts = { mtime, mode: 0o100644, forceDosTimestamp: true } as const;
  const zip = new yazl.ZipFile();
  const out = new PassThrough();
  zip.outputStream.pipe(out);
  const fail = (e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e)));
  zip.on('error', fail);

  const sizes = new Map<string, number>();
  for (const f of files) {
    zip.addReadStreamLazy(`${root}/${f.path}`, { ...opts, compress: false }, (cb) => {
      uploads.open(f.ref).then(
        (s) => {
          if (!s) return cb(new Error(`归档时文件已不在存储中：${f.ref}`), undefined as never);
          s.on('error', fail);
          cb(null, s.pipe(counting((n) => sizes.set(f.path, n))));
        },
        (e: unknown) => cb(e as Error, undefined as never),
      );
    });
  }
  const office = r.input.office.name;
  const docs: { path: string; title: string; html: string }[] = [
    { path: '90_报送与审查记录.html', title: '报送与审查记录（含退回理由）', html: reviewHtml(r) },
    { path: '91_大事记.html', title: '大事记', html: timelineHtml(r) },
    { path: '92_催办督办通报记录.html', title: '催办、督办与通报记录', html: escalationsHtml(r) },
    { path: '93_满意度测评与补课.html', title: '群众满意度测评与补课情况', html: surveysHtml(r) },
  ];
  const json = Buffer.from(`${JSON.stringify(r, null, 1)}\n`);
  for (const d of docs) zip.addBuffer(Buffer.from(d.html), `${root}/${d.path}`, opts);
  zip.addBuffer(json, `${root}/${RECORD_JSON}`, opts);
  const cover = Buffer.from(coverHtml(r, files.length));
  zip.addBuffer(cover, `${root}/${COVER_HTML}`, opts);

  // Added last and read last: by then every file has streamed, so the index knows each one's size.
  zip.addReadStreamLazy(`${root}/${INDEX_XLSX}`, opts, (cb) => {
    const rows: IndexRow[] = [
      {
        responsible: office,
        title: '案卷封面',
        date: day(r.asOf),
        path: COVER_HTML,
        size: cover.length,
        note: '',
      },
      ...files.map((f) => ({
        responsible: r.input.unit.name,
        title: f.title,
        date: day(f.submission.at),
        path: f.path,
        size: sizes.get(f.path) ?? 0,
        note: f.note,
      })),
      ...missing.map((m) => ({
        responsible: r.input.unit.name,
        title: `${m.title}（第 ${m.submission.n} 次报送）`,
        date: day(m.submission.at),
        path: '',
        note: `文件缺失：存储中没有 ${m.ref}`,
      })),
      ...docs.map((d) => ({
        responsible: office,
        title: d.title,
        date: day(r.asOf),
        path: d.path,
        size: Buffer.byteLength(d.html),
        note: '系统据流程记录生成',
      })),
      {
        responsible: office,
        title: '单位活动记录（机读数据）',
        date: day(r.asOf),
        path: RECORD_JSON,
        size: json.length,
        note: '供汇总报表使用',
      },
    ];
    indexWorkbook(archiveTitle(r), rows, mtime).then(
      (buf) => {
        const p = new PassThrough();
        p.end(buf);
        cb(null, p);
      },
      (e: unknown) => cb(e as Error, undefined as never),
    );
  });
  zip.end();
  return out;
}
