/**
 * 延期申请 routes beside the per-unit operations (…/units/:u/extension-request and
 * …/extension-decision, derived from UNIT_OPERATIONS like every operation): the list of requests
 * that wait for a decision, read from the status read model (a unit sees its own, a 指导组 its
 * units', the office all), and the office's batch decision.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { EXTENSION_BATCH_LIMIT, decideExtensions, pendingExtensions } from '../../app/extension-requests.js';
import type { CampaignServices } from '../../app/services.js';
import { id, text } from '../../domain/input/fields.js';
import { requireCampaign, requireRole, requireUnitAccess } from './access.js';
import { campaignParams, errorSchema } from './route-schemas.js';
import type { Principal, TokenStore } from './tokens.js';
import type { ExtensionBatchReply, PendingExtensionList } from './wire/extensions.js';

export interface ExtensionRouteOptions {
  svc: CampaignServices;
  store: TokenStore;
  principalOf: (request: FastifyRequest) => Principal;
}

const ExtensionBatchBody = z
  .strictObject({
    items: z
      .array(
        z.strictObject({
          unitId: id('单位编号', 64).describe('单位编号'),
          taskId: id('事项编号').describe('事项编号'),
        }),
      )
      .min(1, { error: '请至少选择一项延期申请' })
      .max(EXTENSION_BATCH_LIMIT, { error: `一次最多审批 ${EXTENSION_BATCH_LIMIT} 项` })
      .describe('要审批的延期申请（单位、事项）'),
    decision: z.enum(['approve', 'refuse']).describe('approve 同意，refuse 不同意'),
    comment: text('审批意见', 500).optional().describe('审批意见（不同意时必填）'),
  })
  .describe('批量审批延期申请');
type ExtensionBatchBody = z.output<typeof ExtensionBatchBody>;

const str = (description: string) => ({ type: 'string', description }) as const;
const int = (description: string) => ({ type: 'integer', description }) as const;

const requestRow = {
  type: 'object',
  properties: {
    unitId: str('单位编号'),
    unitName: str('单位名称'),
    group: str('指导组编号'),
    taskId: str('事项编号'),
    title: str('事项名称'),
    dueAt: str('现截止时间（ISO）'),
    newDueAt: str('申请延至（ISO）'),
    reason: str('延期理由'),
    workingDays: int('延期工作日数'),
    requestedAt: str('申请时间（ISO）'),
    requestedBy: str('申请人编号'),
    decider: { type: 'string', enum: ['supervisor_group', 'office'], description: '审批：指导组或活动办' },
    decideBy: str('审批时限（ISO）'),
    escalationLevel: int('审批超期督办级别（0 无）'),
  },
} as const;

const refusals = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema };

export function registerExtensionRoutes(app: FastifyInstance, o: ExtensionRouteOptions): void {
  app.get<{ Params: { campaignId: string }; Reply: PendingExtensionList }>(
    '/api/campaigns/:campaignId/extension-requests',
    {
      schema: {
        summary: '待审批的延期申请（单位看本单位，指导组看本组单位，活动办看全部），最早申请的在前',
        tags: ['延期申请'],
        params: campaignParams,
        response: {
          200: {
            type: 'object',
            properties: { campaignId: str('活动编号'), requests: { type: 'array', items: requestRow } },
          },
          ...refusals,
        },
      },
    },
    async (request) => {
      const p = o.principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireRole(p, 'view');
      const scope =
        p.role === 'unit'
          ? { unitId: p.unitId ?? '' }
          : p.role === 'group'
            ? { groupId: p.groupId ?? '' }
            : {};
      return { campaignId: p.campaignId, requests: await pendingExtensions(o.svc, p.campaignId, scope) };
    },
  );

  app.post<{ Params: { campaignId: string }; Body: ExtensionBatchBody; Reply: ExtensionBatchReply }>(
    '/api/campaigns/:campaignId/extension-requests/decide',
    {
      schema: {
        summary: '活动办批量审批延期申请：同一审批意见发给所选的每一项，某项被拒不影响其他项',
        tags: ['延期申请'],
        params: campaignParams,
        body: ExtensionBatchBody,
        response: {
          200: {
            type: 'object',
            properties: {
              succeeded: int('成功项数'),
              failed: int('失败项数'),
              outcomes: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    unitId: str('单位编号'),
                    taskId: str('事项编号'),
                    ok: { type: 'boolean' },
                    error: str('失败原因'),
                  },
                },
              },
            },
          },
          ...refusals,
        },
      },
    },
    async (request) => {
      const p = o.principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireRole(p, 'decideExtensionBatch');
      for (const it of request.body.items) requireUnitAccess(p, 'decideExtension', it.unitId, o.store);
      const { items, decision, comment } = request.body;
      return decideExtensions(o.svc, p.campaignId, items, {
        decidedBy: p.personId,
        decision,
        ...(comment !== undefined ? { comment } : {}),
      });
    },
  );
}
