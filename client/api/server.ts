/**
 * The HTTP API: the same operations as the command line, for the office, the 指导组 and the
 * units. Every request carries a token (Authorization: Bearer …); the token fixes who acts and on
 * what, and the acting person written into each Update comes from the token, never the body.
 */
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { overdueItems } from '../../app/overdue.js';
import { campaignOverview, listUnits, type UnitFilter } from '../../app/visibility.js';
import { DEFAULT_OFFICE } from '../../app/people.js';
import { defaultPlansDir } from '../../activities/index.js';
import { collectReport } from '../../app/report/collect.js';
import { reportBuffer } from '../../app/report/xlsx.js';
import { principalOf, registerAuthentication } from './authentication.js';
import type { ApiServerOptions } from './server-options.js';

export type { ApiServerOptions } from './server-options.js';
import { registerUnitRoutes } from './unit-routes.js';
import { API_HEADERS } from './security-headers.js';
import { AccessDenied, requireCampaign, requireRole } from './access.js';
import { errorReply } from './errors.js';
import { keptOrLiveRecords } from '../../app/archive/archive-at-completion.js';
import { registerArchiveRoutes, registerCampaignArchiveRoutes } from './archive-routes.js';
import type { CampaignServices } from '../../app/services.js';
import { registerBoardRoutes } from './board-routes.js';
import { registerLaunchRoutes } from './launch-routes.js';
import { registerCalendarRoutes } from './calendar-routes.js';
import { calendarYearsOf } from '../../app/calendar/store.js';
import { registerNotifyRoutes } from './notify-routes.js';
import { registerExtensionRoutes } from './extension-routes.js';
import { registerHealthRoutes } from './health-routes.js';
import { OPS_PATHS, registerOpsRoutes, temporalCheck } from './ops-routes.js';
import { ProgressHistory } from '../../app/progress-history.js';
import { campaignParams, errorSchema, filterQuery, type FilterQuery } from './route-schemas.js';
import { registerTokenRoutes } from './token-routes.js';
import type { Principal } from './tokens.js';
import { registerUploadRecordRoutes } from './upload-record-routes.js';
import type { CampaignOverview } from './wire/overview.js';
import type { OverdueList } from './wire/overdue.js';
import type { ProgressReply } from './wire/progress.js';
import type { Me } from './wire/session.js';
import type { UnitList } from './wire/units.js';
import { openApiTransform, zodValidatorCompiler } from './zod-routes.js';

const PUBLIC = new Set<string>(['/openapi.json', '/health', ...OPS_PATHS]);

export async function createApiServer(o: ApiServerOptions): Promise<FastifyInstance> {
  const client = o.temporalClient;
  const svc: CampaignServices = { client, status: o.statusStore };
  const store = o.store;
  const maxUploadBytes = o.maxUploadBytes ?? 20 * 1024 * 1024;
  const now = o.now ?? Date.now;
  const app = Fastify({
    logger: o.logger ?? false,
    bodyLimit: 256 * 1024,
    // `__proto__` reaches the schema as an ordinary key, which refuses it by name like any unknown field.
    onProtoPoisoning: 'ignore',
    // The full delivery-key form of a notification-problem id is up to 1000 characters (the schema says so).
    routerOptions: { maxParamLength: 1000 },
    // Refusals before routing (a longer parameter, a malformed URL) in Chinese like the rest.
    frameworkErrors: (err, request, reply) =>
      void errorReply(err, request, reply as FastifyReply, maxUploadBytes),
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.decorateRequest('principal', null);
  app.setErrorHandler((err, request, reply) => errorReply(err, request, reply, maxUploadBytes));
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ error: 'not_found', message: '没有这个接口，请查看 /openapi.json' }),
  );

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: '学习实践活动编排系统 API',
        version: '1.0.0',
        description:
          '活动办、指导组、参学单位的操作接口。所有接口（/openapi.json、/health 除外）须带 Authorization: Bearer <令牌>。',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: openApiTransform,
  });
  await registerAuthentication(app, {
    store,
    now,
    publicPaths: PUBLIC,
    rateLimitPerMinute: o.rateLimitPerMinute,
    tokenFailuresPerAddressPerMinute: o.tokenFailuresPerAddressPerMinute,
    tokenFailuresPerMinute: o.tokenFailuresPerMinute,
  });
  await app.register(fastifyMultipart, {
    limits: { fileSize: maxUploadBytes, files: 1, fields: 5, parts: 6 },
    throwFileSizeLimit: true,
  });

  // After the rate limiter (a route-level onRequest hook) and before any body is read.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(API_HEADERS);
    return payload;
  });
  // prettier-ignore
  const responses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 429: errorSchema };

  app.get('/health', { schema: { hide: true } }, (_request, reply) => reply.send({ ok: true }));
  app.get('/openapi.json', { schema: { hide: true } }, (_request, reply) => reply.send(app.swagger()));
  registerOpsRoutes(app, { checks: [temporalCheck(client), ...(o.readiness ?? [])] });
  registerTokenRoutes(app, { store, principalOf, now });
  registerUploadRecordRoutes(app, { records: o.uploadRecords, store, principalOf });

  app.get(
    '/api/me',
    { schema: { summary: '当前令牌对应的人员与权限', tags: ['账号'], response: { 401: errorSchema } } },
    (request, reply) => {
      const p = principalOf(request);
      // A unit's login always names its unit (tokens.ts issues none without).
      return reply.send({
        ...p,
        units:
          p.role === 'unit'
            ? [p.unitId!]
            : p.role === 'group'
              ? store.unitsOfGroup(p.groupId ?? '')
              : undefined,
      } satisfies Me);
    },
  );

  const history = o.progress?.store ?? new ProgressHistory({ now, ...o.progress });
  const hints = () => ({ stages: store.stages(), groups: store.groups() });
  /** Only campaign-wide counts make the curve; a 指导组's overview covers its own units. */
  const recordProgress = async (overview: Awaited<ReturnType<typeof campaignOverview>>) => {
    try {
      await history.record(store.campaignId, overview);
    } catch (e) {
      app.log.error({ err: e }, '记录进度曲线样本失败');
    }
  };
  const timerMs = o.progress?.timerMs ?? history.intervalMs;
  if (timerMs > 0) {
    let sampling = false;
    const timer = setInterval(() => {
      if (sampling) return;
      sampling = true;
      void campaignOverview(client, { campaignId: store.campaignId }, hints())
        .then(recordProgress, (e: unknown) => app.log.warn({ err: e }, '定时统计进度失败'))
        .finally(() => {
          sampling = false;
        });
    }, timerMs);
    timer.unref();
    app.addHook('onClose', (_app, done) => {
      clearInterval(timer);
      done();
    });
  }

  app.get<{ Params: { campaignId: string }; Reply: CampaignOverview }>(
    '/api/campaigns/:campaignId/overview',
    {
      schema: {
        summary: '活动汇总：按阶段、单位类型、指导组、逾期、补课轮次计数（来自可见性查询）',
        tags: ['汇总'],
        params: campaignParams,
        response: responses,
      },
    },
    async (request) => {
      const p = principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireRole(p, 'dashboard');
      const scoped = p.role === 'group' && p.groupId ? { group: p.groupId } : {};
      const overview = await campaignOverview(client, { campaignId: p.campaignId, ...scoped }, hints());
      if (!('group' in scoped)) await recordProgress(overview);
      return overview;
    },
  );

  app.get<{ Params: { campaignId: string }; Reply: ProgressReply }>(
    '/api/campaigns/:campaignId/progress',
    {
      schema: {
        summary:
          '进度曲线：全活动各阶段单位数、有逾期事项的单位数、补课单位数随时间的样本（服务器按间隔记录，重启后保留）',
        tags: ['汇总'],
        params: campaignParams,
        response: {
          200: {
            type: 'object',
            properties: {
              campaignId: { type: 'string' },
              intervalMs: { type: 'integer', description: '两次记录的最短间隔（毫秒）' },
              samples: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    at: { type: 'string' },
                    byStage: { type: 'object', additionalProperties: { type: 'integer' } },
                    overdue: { type: 'integer' },
                    remedial: { type: 'integer' },
                  },
                },
              },
            },
          },
          ...responses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireRole(p, 'dashboard');
      return {
        campaignId: p.campaignId,
        intervalMs: history.intervalMs,
        samples: await history.samples(p.campaignId),
      };
    },
  );

  const scopedFilter = (p: Principal, q: FilterQuery): UnitFilter => {
    const f: UnitFilter = { campaignId: p.campaignId };
    if (typeof q.unitType === 'string') f.unitType = q.unitType;
    if (typeof q.group === 'string') f.group = q.group;
    if (typeof q.stage === 'string') f.stage = q.stage;
    if (q.overdue === true) f.overdue = true;
    if (typeof q.remedialRound === 'number') f.remedialRound = q.remedialRound;
    // A group sees its own units whatever it asks for; a unit sees itself.
    if (p.role === 'group') {
      if (f.group !== undefined && f.group !== p.groupId)
        throw new AccessDenied(`只能查看本指导组（${p.groupId ?? ''}）联系的单位`);
      f.group = p.groupId ?? '';
    }
    // A unit sees at most itself: its filters still apply (asking for another stage finds nothing).
    if (p.role === 'unit') return { ...f, unitId: p.unitId ?? '' };
    return f;
  };

  app.get<{ Params: { campaignId: string }; Querystring: FilterQuery; Reply: UnitList }>(
    '/api/campaigns/:campaignId/units',
    {
      schema: {
        summary: '单位列表（按类型、指导组、阶段、逾期、补课轮次筛选）',
        tags: ['汇总'],
        params: campaignParams,
        querystring: filterQuery,
        response: responses,
      },
    },
    async (request) => {
      const p = principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireRole(p, 'view');
      const limit = Number(request.query.limit ?? 200);
      return { units: await listUnits(client, scopedFilter(p, request.query), limit) };
    },
  );

  app.get<{ Params: { campaignId: string }; Querystring: FilterQuery; Reply: OverdueList }>(
    '/api/campaigns/:campaignId/overdue',
    {
      schema: {
        summary: '逾期事项：逾期多久、督办到哪一级',
        tags: ['汇总'],
        params: campaignParams,
        querystring: filterQuery,
        response: responses,
      },
    },
    async (request) => {
      const p = principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireRole(p, 'view');
      return overdueItems(svc, scopedFilter(p, request.query), now);
    },
  );

  registerUnitRoutes(app, {
    svc,
    store,
    uploads: o.uploads,
    uploadRecords: o.uploadRecords,
    principalOf,
    maxUploadBytes,
    now,
  });

  registerLaunchRoutes(app, {
    client,
    store,
    principalOf,
    plansDir: o.plansDir ?? process.env.CAMPAIGN_PLANS_DIR ?? defaultPlansDir,
    taskQueue: o.taskQueue ?? process.env.CAMPAIGN_TASK_QUEUE ?? 'campaign',
    office: o.office ?? DEFAULT_OFFICE,
    ...(o.calendarStore ? { calendarYears: calendarYearsOf(o.calendarStore) } : {}),
  });

  registerBoardRoutes(app, { status: o.statusStore, store, principalOf, now });
  registerCalendarRoutes(app, { client, calendar: o.calendarStore, principalOf, now });
  registerNotifyRoutes(app, { deliveryLog: o.deliveryLog, health: o.statusStore, principalOf, now });
  registerExtensionRoutes(app, { svc, store, principalOf });
  registerHealthRoutes(app, { svc, store, principalOf, log: (m) => app.log.warn(m) });
  const archiveDir = o.archiveDir ?? process.env.CAMPAIGN_ARCHIVE_DIR ?? '.data/archive';
  registerArchiveRoutes(app, {
    archiveDir,
    svc,
    store,
    uploads: o.uploads,
    uploadRecords: o.uploadRecords,
    principalOf,
    officeName: (o.office ?? DEFAULT_OFFICE).name,
    now,
  });
  registerCampaignArchiveRoutes(app, {
    svc,
    uploads: o.uploads,
    uploadRecords: o.uploadRecords,
    principalOf,
    officeName: (o.office ?? DEFAULT_OFFICE).name,
    dir: archiveDir,
    campaignId: store.campaignId,
    archiveAtCompletionMs: o.archiveAtCompletionMs ?? 0,
    log: (m) => app.log.info(m),
  });

  app.get<{ Params: { campaignId: string } }>(
    '/api/campaigns/:campaignId/report.xlsx',
    {
      schema: {
        summary: '导出 Excel 报表（各单位进度、逾期事项、督办记录、测评结果）',
        tags: ['汇总'],
        params: campaignParams,
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: responses,
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireRole(p, 'report');
      const data = await collectReport(
        svc,
        { campaignId: p.campaignId },
        now,
        keptOrLiveRecords(svc, archiveDir),
      );
      const buf = await reportBuffer(data);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename="report.xlsx"; filename*=UTF-8''${encodeURIComponent(`${p.campaignId}-进度报表.xlsx`)}`,
        )
        .send(buf);
    },
  );

  return app;
}
