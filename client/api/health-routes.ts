/**
 * The board's view of stuck units: read from the health cache beside the read model. When no
 * worker has scanned the campaign for a while, the request starts a scan in the background (at
 * most one per campaign and interval across replicas) and answers from the cache at once.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { stuckUnits } from '../../app/health/cache.js';
import { healthSettingsFromEnv, onDemandMaxAgeMs, type HealthSettings } from '../../app/health/settings.js';
import type { CampaignServices } from '../../app/services.js';
import { requireCampaign, requireRole } from './access.js';
import { toWorkflowProblem } from './delivery-problems.js';
import { campaignParams, errorSchema } from './route-schemas.js';
import type { Principal, TokenStore } from './tokens.js';
import type { UnitHealthList } from './wire/unit-health.js';

export interface HealthRouteOptions {
  svc: CampaignServices;
  store: TokenStore;
  principalOf: (request: FastifyRequest) => Principal;
  settings?: HealthSettings;
  log?: (message: string) => void;
}

const str = (description: string) => ({ type: 'string', description }) as const;

export function registerHealthRoutes(app: FastifyInstance, o: HealthRouteOptions): void {
  const settings = o.settings ?? healthSettingsFromEnv(process.env);
  app.get<{ Params: { campaignId: string }; Reply: UnitHealthList }>(
    '/api/campaigns/:campaignId/unit-health',
    {
      schema: {
        summary:
          '流程异常的单位：工作流任务反复失败、需要技术处理的单位及错误信息（活动办看全部，指导组看本组单位）',
        tags: ['汇总'],
        params: campaignParams,
        response: {
          200: {
            type: 'object',
            properties: {
              campaignId: str('活动编号'),
              stuck: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    campaignId: str('活动编号'),
                    unitId: str('单位编号'),
                    unitName: str('单位名称'),
                    statusLabel: str('流程异常，需要技术处理'),
                    error: str('工作流任务的错误信息'),
                    failures: { type: 'integer', description: '已失败的次数' },
                    since: str('发现时间（ISO）'),
                    checkedAt: str('最近检查时间（ISO）'),
                  },
                },
              },
              scannedAt: str('最近一次检查完成的时间（ISO）'),
            },
          },
          401: errorSchema,
          403: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (request) => {
      const p = o.principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireRole(p, 'dashboard');
      const found = await stuckUnits(o.svc, p.campaignId, {
        ...settings,
        maxAgeMs: onDemandMaxAgeMs(settings),
        wait: false,
        onError: (e) => o.log?.(`流程健康检查失败：${e.message}`),
      });
      const mine = p.role === 'group' ? new Set(o.store.unitsOfGroup(p.groupId ?? '')) : undefined;
      const last = await o.svc.status.lastHealthScan(p.campaignId);
      return {
        campaignId: p.campaignId,
        stuck: found.filter((h) => !mine || mine.has(h.unitId)).map(toWorkflowProblem),
        ...(last?.finishedAt ? { scannedAt: last.finishedAt } : {}),
      };
    },
  );
}
