/** GET …/units/{unitId}/files: the unit's uploaded files (name, size, who, when), from the upload records. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireCampaign, requireUnitAccess } from './access.js';
import { NotConfigured } from '../../domain/failures.js';
import { errorSchema, unitParams } from './route-schemas.js';
import type { Principal, TokenStore } from './tokens.js';
import type { UploadRecord, UploadRecords } from './upload-records.js';

export interface UploadRecordRouteOptions {
  records: UploadRecords | undefined;
  store: TokenStore;
  principalOf: (request: FastifyRequest) => Principal;
}

export function registerUploadRecordRoutes(app: FastifyInstance, o: UploadRecordRouteOptions): void {
  app.get<{ Params: { campaignId: string; unitId: string }; Reply: { files: UploadRecord[] } }>(
    '/api/campaigns/:campaignId/units/:unitId/files',
    {
      schema: {
        summary: '本单位上传过的文件：文件名、大小、引用、上传人、时间（最早的在前）',
        tags: ['单位'],
        params: unitParams,
        response: { 401: errorSchema, 403: errorSchema, 429: errorSchema, 503: errorSchema },
      },
    },
    async (request) => {
      const p = o.principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireUnitAccess(p, 'view', request.params.unitId, o.store);
      if (!o.records) throw new NotConfigured('本服务器没有接入上传记录');
      return { files: await o.records.list(p.campaignId, request.params.unitId) };
    },
  );
}
