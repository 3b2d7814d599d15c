/**
 * Downloads of what the office hands in: a unit's archive (资料归档) as a zip streamed from the
 * upload store, and the weekly 简报 as a Word document. Access is checked before anything is read
 * or produced: the office reaches every unit, a 指导组 its own units, a unit only itself.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { readUnitRecord } from '../../app/archive/unit-record.js';
import { unitArchiveStream } from '../../app/archive/unit-archive.js';
import { briefingOf } from '../../app/report/briefing.js';
import { DOCX_TYPE, briefingDocx } from '../../app/report/briefing-docx.js';
import { collectReport } from '../../app/report/collect.js';
import { requireCampaign, requireRole, requireUnitAccess } from './access.js';
import { ApiError } from './errors.js';
import { campaignParams, errorSchema, unitParams } from './schemas.js';
import type { Principal, TokenStore } from './tokens.js';
import type { UploadStore } from './uploads.js';

export interface ArchiveRouteOptions {
  client: Client;
  store: TokenStore;
  uploads: UploadStore;
  principalOf: (request: FastifyRequest) => Principal;
  /** The issuing office printed on the 简报's masthead. */
  officeName: string;
  now: () => number;
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
      const record = await readUnitRecord(o.client, p.campaignId, unitId);
      const stream = await unitArchiveStream(record, o.uploads);
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
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { date: { type: 'string', description: '简报日期 YYYY-MM-DD（北京时间），默认今天' } },
        },
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
        throw new ApiError(400, `查询参数 date：应为日期 YYYY-MM-DD（如 ${today}），现为「${date}」`);
      const data = await collectReport(o.client, { campaignId: p.campaignId }, o.now);
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
