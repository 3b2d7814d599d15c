/**
 * The board's routes: what the office and 指导组 pages show, aggregated by the status store with
 * indexed SQL over the rows each publish derives (activities/status/board-*.ts). Nothing here
 * reads a unit's whole status, Queries a workflow or counts through visibility: the cost of a
 * request does not grow with the number of units beyond the page asked for. A 指导组 sees its own
 * units only, whatever it asks for.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { BoardScope } from '../../activities/status/board-types.js';
import type { StatusStore } from '../../activities/status/status-store.js';
import { reviewAt } from '../../app/status/as-of.js';
import { text } from '../../domain/input/fields.js';
import { AccessDenied, requireCampaign, requireRole } from './access.js';
import { campaignParams, errorSchema, queryFlag, queryInt } from './route-schemas.js';
import type { Principal, TokenStore } from './tokens.js';
import type {
  BoardEscalationPage,
  BoardOverview,
  BoardReviewPage,
  BoardSurveySummary,
  BoardUnitPage,
} from './wire/board.js';

export interface BoardRouteOptions {
  status: StatusStore;
  store: TokenStore;
  principalOf: (request: FastifyRequest) => Principal;
  now: () => number;
}

const paging = {
  limit: queryInt(1, 1000, '最多返回条数（默认 100）').optional(),
  offset: queryInt(0, 1_000_000, '从第几条开始（默认 0）').optional(),
};
const pageQuery = z.strictObject(paging);
const escalationQuery = z.strictObject({ ...paging, unacknowledged: queryFlag('只看未确认的').optional() });
const unitsQuery = z.strictObject({
  ...paging,
  unitType: text('单位类型编号', 40).optional().describe('单位类型编号'),
  group: text('指导组编号', 64).optional().describe('指导组编号'),
  stage: text('阶段编号', 64).optional().describe('阶段编号'),
  overdue: queryFlag('只看有逾期事项的单位').optional(),
  remedialRound: queryInt(0, 20, '补课轮次').optional(),
  rag: z
    .enum(['red', 'amber', 'green'], { error: '只能是 red、amber 或 green' })
    .optional()
    .describe('红黄绿：red、amber、green'),
});
type PageQuery = z.output<typeof pageQuery>;

const responses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema };
const C = '/api/campaigns/:campaignId/board';

export function registerBoardRoutes(app: FastifyInstance, o: BoardRouteOptions): void {
  const page = (q: PageQuery) => ({ limit: q.limit ?? 100, offset: q.offset ?? 0 });
  const nowIso = () => new Date(o.now()).toISOString();
  /** Who asks decides the scope: the office the campaign (or a 指导组 it names), a 指导组 its own units. */
  const scopeOf = (
    request: FastifyRequest<{ Params: { campaignId: string } }>,
    group?: string,
  ): BoardScope => {
    const p = o.principalOf(request);
    requireCampaign(p, request.params.campaignId);
    requireRole(p, 'dashboard');
    if (p.role === 'group') {
      if (group !== undefined && group !== p.groupId)
        throw new AccessDenied(`只能查看本指导组（${p.groupId ?? ''}）联系的单位`);
      return { campaignId: p.campaignId, groupId: p.groupId ?? '' };
    }
    return { campaignId: p.campaignId, ...(group !== undefined ? { groupId: group } : {}) };
  };
  const launched = (scope: BoardScope) => o.store.unitCount(scope.groupId);

  app.get<{ Params: { campaignId: string }; Reply: BoardOverview }>(
    C,
    {
      schema: {
        summary:
          '活动汇总（来自状态读模型）：按阶段、单位类型、指导组、补课轮次计数，红黄绿、逾期、督办、待审查、测评（指导组只看本组）',
        tags: ['汇总'],
        params: campaignParams,
        response: responses,
      },
    },
    async (request) => {
      const t0 = performance.now();
      const scope = scopeOf(request);
      const summary = await o.status.boardSummary(scope, nowIso());
      const all = launched(scope);
      return {
        ...summary,
        launched: all,
        starting: Math.max(0, all - summary.published),
        elapsedMs: Math.round(performance.now() - t0),
      };
    },
  );

  app.get<{ Params: { campaignId: string }; Querystring: z.output<typeof unitsQuery>; Reply: BoardUnitPage }>(
    `${C}/units`,
    {
      schema: {
        summary:
          '单位进度（红黄绿）：一页单位，每个阶段的红黄绿、逾期事项数、督办数（按类型、指导组、阶段、逾期、补课、红黄绿筛选）',
        tags: ['汇总'],
        params: campaignParams,
        querystring: unitsQuery,
        response: responses,
      },
    },
    async (request) => {
      const q = request.query;
      const scope = scopeOf(request, q.group);
      return o.status.boardUnits(
        scope,
        {
          ...(q.unitType !== undefined ? { unitType: q.unitType } : {}),
          ...(q.stage !== undefined ? { stage: q.stage } : {}),
          ...(q.overdue ? { overdue: true } : {}),
          ...(q.remedialRound !== undefined ? { remedialRound: q.remedialRound } : {}),
          ...(q.rag !== undefined ? { rag: q.rag } : {}),
        },
        page(q),
        nowIso(),
      );
    },
  );

  app.get<{
    Params: { campaignId: string };
    Querystring: z.output<typeof escalationQuery>;
    Reply: BoardEscalationPage;
  }>(
    `${C}/escalations`,
    {
      schema: {
        summary: '督办与通报：所有未结束的督办，级别高、时间近的在前（分页）',
        tags: ['汇总'],
        params: campaignParams,
        querystring: escalationQuery,
        response: responses,
      },
    },
    async (request) =>
      o.status.boardEscalations(scopeOf(request), {
        ...page(request.query),
        ...(request.query.unacknowledged ? { unacknowledgedOnly: true } : {}),
      }),
  );

  app.get<{ Params: { campaignId: string }; Querystring: PageQuery; Reply: BoardSurveySummary }>(
    `${C}/surveys`,
    {
      schema: {
        summary:
          '满意度测评汇总：各轮次的单位数与票数、需补课的单位，各单位最近一次结果（不满意比例高的在前，分页）',
        tags: ['汇总'],
        params: campaignParams,
        querystring: pageQuery,
        response: responses,
      },
    },
    async (request) => o.status.boardSurveys(scopeOf(request), page(request.query)),
  );

  app.get<{ Params: { campaignId: string }; Querystring: PageQuery; Reply: BoardReviewPage }>(
    `${C}/reviews`,
    {
      schema: {
        summary: '等待审查的材料：报送最早的在前，含审查时限与第几个工作日（分页）',
        tags: ['汇总'],
        params: campaignParams,
        querystring: pageQuery,
        response: responses,
      },
    },
    async (request) => {
      const now = o.now();
      const found = await o.status.boardReviews(scopeOf(request), page(request.query), nowIso());
      // 第 N 个工作日 moves with time alone: recounted at now, as statusAsOf does for one unit.
      return {
        ...found,
        items: found.items.map((i) => (i.review ? { ...i, review: reviewAt(i.review, now) } : i)),
      };
    },
  );
}
