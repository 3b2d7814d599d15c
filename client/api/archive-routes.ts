/**
 * Downloads of what the office hands in: a unit's archive (资料归档) as a zip streamed from the
 * upload store, and the weekly 简报 as a Word document. Access is checked before anything is read
 * or produced: the office reaches every unit, a 指导组 its own units, a unit only itself.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readUnitRecord } from '../../app/archive/unit-record.js';
import { unitArchiveStream } from '../../app/archive/unit-archive.js';
import { requireCampaign, requireUnitAccess } from './access.js';
import { errorSchema, unitParams } from './schemas.js';
import type { Principal, TokenStore } from './tokens.js';
import type { UploadStore } from './uploads.js';

export interface ArchiveRouteOptions {
  client: Client;
  store: TokenStore;
  uploads: UploadStore;
  principalOf: (request: FastifyRequest) => Principal;
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
}
