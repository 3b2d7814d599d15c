/**
 * Downloads of what the office hands in: a unit's archive (资料归档) as a zip streamed from the
 * upload store, and the weekly 简报 as a Word document. Access is checked before anything is read
 * or produced: the office reaches every unit, a 指导组 its own units, a unit only itself.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import {
  buildCampaignArchive,
  campaignArchiveStream,
  readProgress,
  type CampaignArchiveProgress,
} from '../../app/archive/campaign-archive.js';
import { archiveCompletedUnits, keptOrLiveRecords } from '../../app/archive/archive-at-completion.js';
import { openFinalUnitArchive } from '../../app/archive/stored-unit-archive.js';
import { readUnitRecord } from '../../app/archive/unit-record.js';
import { unitArchiveStream } from '../../app/archive/unit-archive.js';
import { briefingOf } from '../../app/report/briefing.js';
import { DOCX_TYPE, briefingDocx } from '../../app/report/briefing-docx.js';
import { collectReport } from '../../app/report/collect.js';
import type { CampaignServices } from '../../app/services.js';
import { z } from 'zod';
import { Conflict, InvalidRequest } from '../../domain/failures.js';
import { requireCampaign, requireRole, requireUnitAccess } from './access.js';
import { campaignParams, errorSchema, unitParams } from './route-schemas.js';
import type { Principal, TokenStore } from './tokens.js';
import type { UploadRecords } from './upload-records.js';
import type { UploadStore } from './uploads.js';
import type { CampaignArchiveProgress as WireProgress } from './wire/archive.js';

export interface ArchiveRouteOptions {
  svc: CampaignServices;
  store: TokenStore;
  uploads: UploadStore;
  /** Names the files were uploaded under, for the 卷内目录 (optional). */
  uploadRecords?: UploadRecords | undefined;
  principalOf: (request: FastifyRequest) => Principal;
  /** The issuing office printed on the 简报's masthead. */
  officeName: string;
  now: () => number;
  /** Folder of the kept archives: a completed unit's kept archive is sent as kept. */
  archiveDir: string;
}

const responses = {
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  429: errorSchema,
  503: errorSchema,
};

/** `attachment` with an ASCII fallback and the Chinese name per RFC 6266 / 5987. */
export function attachment(reply: FastifyReply, ascii: string, name: string): FastifyReply {
  return reply.header(
    'content-disposition',
    `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  );
}

export function registerArchiveRoutes(app: FastifyInstance, o: ArchiveRouteOptions): void {
  app.get<{ Params: { campaignId: string; unitId: string } }>(
    '/api/campaigns/:campaignId/units/:unitId/archive.zip',
    {
      schema: {
        summary:
          '下载单位档案（资料归档）：全部报送材料、报送与审查记录、大事记、督办通报、测评与补课、卷内目录（Excel）和封面；同一状态总是同样的字节',
        tags: ['归档'],
        params: unitParams,
        produces: ['application/zip'],
        response: responses,
      },
    },
    async (request, reply) => {
      const p = o.principalOf(request);
      requireCampaign(p, request.params.campaignId);
      const unitId = request.params.unitId;
      requireUnitAccess(p, 'archive', unitId, o.store);
      // Kept at completion, it is there after the workflow's history is gone; built from that same record.
      const kept = await openFinalUnitArchive(o.archiveDir, p.campaignId, unitId);
      const record = kept?.record ?? (await readUnitRecord(o.svc, p.campaignId, unitId));
      const names = new Map(
        (await o.uploadRecords?.list(p.campaignId, unitId))?.map((u) => [u.ref, u.filename] as const),
      );
      const stream = kept?.stream ?? (await unitArchiveStream(record, o.uploads, names));
      const name = `${record.unitId}_${record.input.unit.name}_档案.zip`;
      return attachment(reply.type('application/zip'), `${record.unitId}-archive.zip`, name).send(stream);
    },
  );

  app.get<{ Params: { campaignId: string }; Querystring: { date?: string } }>(
    '/api/campaigns/:campaignId/briefing.docx',
    {
      schema: {
        summary:
          '下载 Word 版工作简报（报头、总体进展、红黄绿表与图、本期督办通报、测评情况），数字与 Excel 报表一致',
        tags: ['汇总'],
        params: campaignParams,
        querystring: z.strictObject({
          date: z.string().optional().describe('简报日期 YYYY-MM-DD（北京时间），默认今天'),
        }),
        produces: [DOCX_TYPE],
        response: { ...responses, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const p = o.principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireRole(p, 'report');
      const today = DateTime.fromMillis(o.now(), { zone: 'Asia/Shanghai' }).toISODate()!;
      const date = request.query.date ?? today;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !DateTime.fromISO(date).isValid)
        throw new InvalidRequest(`查询参数 date：应为日期 YYYY-MM-DD（如 ${today}），现为「${date}」`);
      const data = await collectReport(
        o.svc,
        { campaignId: p.campaignId },
        o.now,
        keptOrLiveRecords(o.svc, o.archiveDir),
      );
      const b = briefingOf(data, {
        campaignTitle: data.campaignTitle ?? p.campaignId,
        officeName: o.officeName,
        date,
      });
      const buf = await briefingDocx(b);
      return attachment(
        reply.type(DOCX_TYPE),
        `briefing-${b.issue}.docx`,
        `${p.campaignId}-简报第${b.issue}期-${date}.docx`,
      ).send(buf);
    },
  );
}

export interface CampaignArchiveRouteOptions {
  svc: CampaignServices;
  uploads: UploadStore;
  uploadRecords?: UploadRecords | undefined;
  principalOf: (request: FastifyRequest) => Principal;
  officeName: string;
  /** Folder of the campaign archives (CAMPAIGN_ARCHIVE_DIR, default .data/archive). */
  dir: string;
  campaignId: string;
  log: (message: string) => void;
  /** How often completed units are looked for and archived (0: never, only on demand). */
  archiveAtCompletionMs: number;
}

/**
 * The office's campaign archive: POST starts (or resumes) the background build, GET reports its
 * progress, GET …/archive.zip streams it once built. A build that was running when the server
 * stopped is resumed when it starts again.
 */
export function registerCampaignArchiveRoutes(app: FastifyInstance, o: CampaignArchiveRouteOptions): void {
  // Each build, and its first progress: the POST answers with the build it started, not with
  // whatever progress.json held before (nothing yet, or the previous build's 已生成).
  const running = new Map<
    string,
    { job: Promise<unknown>; first: Promise<CampaignArchiveProgress | undefined> }
  >();
  const stop = new AbortController();
  const start = (campaignId: string) => {
    const already = running.get(campaignId);
    if (already) return already.first;
    let firstProgress: (p: CampaignArchiveProgress | undefined) => void = () => undefined;
    const first = new Promise<CampaignArchiveProgress | undefined>((r) => (firstProgress = r));
    const job = buildCampaignArchive({
      svc: o.svc,
      uploads: o.uploads,
      uploadRecords: o.uploadRecords,
      campaignId,
      dir: o.dir,
      officeName: o.officeName,
      signal: stop.signal,
      onProgress: (p) => firstProgress(p),
    })
      .then(
        (p) => o.log(`活动 ${campaignId} 档案：${p.state}，${p.done}/${p.total}`),
        (e: unknown) => o.log(`活动 ${campaignId} 档案生成失败：${(e as Error).message}`),
      )
      .finally(() => {
        firstProgress(undefined);
        running.delete(campaignId);
      });
    running.set(campaignId, { job, first });
    return first;
  };
  let sweeping: Promise<unknown> | undefined;
  const sweep = () => {
    if (sweeping) return;
    sweeping = archiveCompletedUnits({
      svc: o.svc,
      uploads: o.uploads,
      uploadRecords: o.uploadRecords,
      campaignId: o.campaignId,
      dir: o.dir,
      signal: stop.signal,
    })
      .then(
        (r) => {
          if (r.built.length > 0) o.log(`已完成单位归档：${r.built.join('、')}`);
          for (const f of r.failed) o.log(`单位 ${f.unitId} 完成后归档失败（下次再试）：${f.error}`);
        },
        (e: unknown) => o.log(`查找已完成单位以归档失败：${(e as Error).message}`),
      )
      .finally(() => (sweeping = undefined));
  };
  const timer = o.archiveAtCompletionMs > 0 ? setInterval(sweep, o.archiveAtCompletionMs) : undefined;
  timer?.unref();
  app.addHook('onReady', async () => {
    if ((await readProgress(o.dir, o.campaignId))?.state === 'running') void start(o.campaignId);
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    stop.abort();
    await Promise.allSettled([...[...running.values()].map((r) => r.job), sweeping]);
  });
  const guard = (request: FastifyRequest<{ Params: { campaignId: string } }>) => {
    const p = o.principalOf(request);
    requireCampaign(p, request.params.campaignId);
    requireRole(p, 'report');
    return p;
  };
  const progressReply = (p: CampaignArchiveProgress | undefined, campaignId: string): WireProgress =>
    p ?? { campaignId, state: 'none', total: 0, done: 0, reused: 0, failed: [] };

  app.post<{ Params: { campaignId: string } }>(
    '/api/campaigns/:campaignId/archive',
    {
      schema: {
        summary: '开始（或继续）在后台生成全活动档案：各单位档案加活动报表；已生成且未变化的单位不再重复生成',
        tags: ['归档'],
        params: campaignParams,
        response: responses,
      },
    },
    async (request, reply) => {
      const p = guard(request);
      // Answered once the build has written its first progress (a build that failed before
      // that leaves its failure in progress.json).
      const first = await start(p.campaignId);
      return reply
        .status(202)
        .send(progressReply(first ?? (await readProgress(o.dir, p.campaignId)), p.campaignId));
    },
  );
  app.get<{ Params: { campaignId: string } }>(
    '/api/campaigns/:campaignId/archive',
    {
      schema: {
        summary: '全活动档案的生成进度（state: none | running | done | failed）',
        tags: ['归档'],
        params: campaignParams,
        response: responses,
      },
    },
    async (request) => {
      const p = guard(request);
      return progressReply(await readProgress(o.dir, p.campaignId), p.campaignId);
    },
  );
  app.get<{ Params: { campaignId: string } }>(
    '/api/campaigns/:campaignId/archive.zip',
    {
      schema: {
        summary: '下载全活动档案（须先生成完毕）',
        tags: ['归档'],
        params: campaignParams,
        produces: ['application/zip'],
        response: { ...responses, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const p = guard(request);
      const progress = await readProgress(o.dir, p.campaignId);
      if (progress?.state !== 'done') {
        const why = !progress
          ? '尚未生成，请先开始生成'
          : progress.state === 'running'
            ? `正在生成（${progress.done}/${progress.total}）`
            : `上次生成未完成：${progress.error ?? ''}，请重新开始生成`;
        throw new Conflict(`全活动档案${why}`);
      }
      return attachment(
        reply.type('application/zip'),
        `${p.campaignId}-archive.zip`,
        `${p.campaignId}_活动档案.zip`,
      ).send(await campaignArchiveStream(o.dir, p.campaignId));
    },
  );
}
