/**
 * The HTTP API: the same operations as the command line, for the office, the 指导组 and the
 * units. Every request carries a token (Authorization: Bearer …); the token fixes who acts and on
 * what, and the acting person written into each Update comes from the token, never the body.
 */
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import type { Client } from '@temporalio/client';
import type { DeliveryLog } from '../../activities/notify/log/delivery-log.js';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { runBatch } from '../../app/batch.js';
import { overdueItems } from '../../app/overdue.js';
import {
  OPERATIONS,
  runOperation,
  unitStatus,
  type Operation,
  type OperationRequests,
} from '../../app/unit-operations.js';
import { campaignOverview, listUnits, type UnitFilter } from '../../app/visibility.js';
import { DEFAULT_OFFICE, type Office } from '../../app/people.js';
import { defaultPlansDir } from '../../activities/index.js';
import { collectReport } from '../../app/report/collect.js';
import { reportBuffer } from '../../app/report/xlsx.js';
import { InvalidRequest, Rejected, Unauthorized, UnsupportedMediaType } from '../../domain/failures.js';
import { GuessLimit } from './guess-limit.js';
import { API_HEADERS } from './security-headers.js';
import { UNIT_OPERATIONS } from '../../workflows/unit-campaign/messages.js';
import { AccessDenied, requireCampaign, requireRole, requireUnitAccess } from './access.js';
import { errorReply } from './errors.js';
import { registerArchiveRoutes, registerCampaignArchiveRoutes } from './archive-routes.js';
import type { CampaignServices } from '../../app/services.js';
import type { StatusStore } from '../../activities/status/status-store.js';
import { registerLaunchRoutes } from './launch-routes.js';
import { registerCalendarRoutes } from './calendar-routes.js';
import { calendarYearsOf, type CalendarStore } from '../../app/calendar/store.js';
import { registerNotifyRoutes } from './notify-routes.js';
import { registerHealthRoutes } from './health-routes.js';
import { OPS_PATHS, registerOpsRoutes, temporalCheck, type ReadinessCheck } from './ops-routes.js';
import {
  ProgressHistory,
  type ProgressHistoryOptions,
  type ProgressStore,
} from '../../app/progress-history.js';
import type { batchFilter } from './route-schemas.js';
import {
  OPERATION_BODIES,
  batchBody,
  campaignParams,
  errorSchema,
  filterQuery,
  unitParams,
  type FilterQuery,
} from './route-schemas.js';
import { registerTokenRoutes } from './token-routes.js';
import { REFUSAL_TEXT, hashToken, type Principal, type TokenStore } from './tokens.js';
import { registerUploadRecordRoutes } from './upload-record-routes.js';
import type { UploadRecords } from './upload-records.js';
import { checkFileType, type UploadStore } from './uploads.js';
import type { CampaignOverview } from './wire/overview.js';
import type { OverdueList } from './wire/overdue.js';
import type { ProgressReply } from './wire/progress.js';
import type { Me } from './wire/session.js';
import type { UnitList } from './wire/units.js';
import type { OperationBodies } from './wire/unit-operations.js';
import { openApiTransform, zodValidatorCompiler } from './zod-routes.js';
import type { z } from 'zod';
import type { UploadReply } from './wire/uploads.js';
import type { UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface ApiServerOptions {
  temporalClient: Client;
  /** The status read model the workers publish to: every unit status the API returns comes from it. */
  statusStore: StatusStore;
  store: TokenStore;
  uploads: UploadStore;
  /** Default 20 MiB. */
  maxUploadBytes?: number;
  /** Requests per minute per token (however `Bearer` is spelt), or per address without one; default 120. */
  rateLimitPerMinute?: number;
  /** Refused tokens per minute from one address; past it that address's tokens are not checked (429). Default 20. */
  tokenFailuresPerAddressPerMinute?: number;
  /** Refused tokens per minute from all addresses together; past it no token is checked (429). Default 300. */
  tokenFailuresPerMinute?: number;
  logger?: boolean;
  now?: () => number;
  /**
   * Where uploaded plans are kept as `<id>.yaml`: the worker must read the same folder. Default
   * CAMPAIGN_PLANS_DIR, else the repository's plans/ (the worker's own default).
   */
  plansDir?: string;
  /** Task queue of units started from the console; default CAMPAIGN_TASK_QUEUE, else `campaign`. */
  taskQueue?: string;
  /** The office named in launched units' input (notifications sign with it). */
  office?: Office;
  /** Holiday years the office loaded (beside the delivery log); without it /api/calendar answers 503. */
  calendarStore?: CalendarStore;
  /**
   * Progress history for the chart. `timerMs`: also sample on a timer this often (default the
   * sampling interval; 0 = only when the office reads the overview).
   */
  progress?: ProgressHistoryOptions & { timerMs?: number; store?: ProgressStore };
  /** Who uploaded which file (listed per unit); without it uploads are stored but not recorded. */
  uploadRecords?: UploadRecords;
  /** What /readyz checks besides Temporal (e.g. the database). */
  readiness?: ReadinessCheck[];
  /**
   * The worker's delivery log (same DATABASE_URL / NOTIFY_SQLITE_PATH), for the office's 通知异常
   * list. Without it that route answers 503. The caller opens and closes it.
   */
  deliveryLog?: DeliveryLog;
  /** Folder of the campaign archives; default CAMPAIGN_ARCHIVE_DIR, else .data/archive. */
  archiveDir?: string;
}

const PUBLIC = new Set<string>(['/openapi.json', '/health', ...OPS_PATHS]);

/** The Update request for an operation: the (already checked) body plus the acting person from the token. */
function workflowRequest<Op extends Operation>(
  op: Op,
  body: OperationBodies[Op],
  p: Principal,
): OperationRequests[Op] {
  const request = { ...body, [UNIT_OPERATIONS[op].actor]: p.personId };
  return (op === 'submit' ? { fileRefs: [], ...request } : request) as OperationRequests[Op];
}

/** The token of `Authorization: Bearer <token>` (the scheme in any case, any blanks around). */
const bearerToken = (auth: string | undefined): string | undefined =>
  auth ? /^\s*Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] : undefined;

function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Unauthorized('请先登录');
  return request.principal;
}

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
  await app.register(fastifyRateLimit, {
    max: o.rateLimitPerMinute ?? 120,
    timeWindow: 60_000,
    // By the token itself, not the header text (`bearer`, a tab or two spaces get no fresh
    // allowance); guesses are limited per address and globally by GuessLimit below.
    keyGenerator: (req) => {
      const token = bearerToken(req.headers.authorization);
      return token ? `t:${hashToken(token)}` : `ip:${req.ip}`;
    },
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `请求过于频繁，请 ${Math.ceil(ctx.ttl / 1000)} 秒后再试`,
    }),
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
  const guesses = new GuessLimit({
    perAddress: o.tokenFailuresPerAddressPerMinute ?? 20,
    global: o.tokenFailuresPerMinute ?? 300,
    now,
  });
  app.addHook('preParsing', async (request, _reply, payload) => {
    const url = request.url.split('?')[0] ?? '';
    if (PUBLIC.has(url)) return payload;
    // Before the token is read: an address (or everyone) that guessed too often is not answered.
    guesses.check(request.ip);
    const auth = request.headers.authorization;
    const token = bearerToken(auth);
    if (!token) {
      request.refusal = 'no_token';
      if (auth) guesses.failed(request.ip);
      throw new Unauthorized('请提供令牌：请求头 Authorization: Bearer <令牌>');
    }
    // Asked of the store on every request: a token revoked on another replica is refused here too.
    const checked = await store.check(token, new Date(now()));
    if (!checked.ok) {
      guesses.failed(request.ip);
      request.refusal = `${checked.reason}_token`;
      throw new Unauthorized(REFUSAL_TEXT(checked));
    }
    request.principal = checked.principal;
    return payload;
  });

  const responses = {
    400: errorSchema,
    401: errorSchema,
    403: errorSchema,
    404: errorSchema,
    429: errorSchema,
  };

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

  app.get<{ Params: { campaignId: string; unitId: string }; Reply: UnitCampaignStatus }>(
    '/api/campaigns/:campaignId/units/:unitId',
    {
      schema: {
        summary: '单位的完整进度（阶段、事项、督办、测评、记录）',
        tags: ['单位'],
        params: unitParams,
        response: responses,
      },
    },
    async (request) => {
      const p = principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireUnitAccess(p, 'view', request.params.unitId, store);
      return unitStatus(svc, p.campaignId, request.params.unitId);
    },
  );

  for (const op of OPERATIONS) {
    const { path, summary } = UNIT_OPERATIONS[op];
    app.post<{
      Params: { campaignId: string; unitId: string };
      Body: OperationBodies[typeof op];
      Reply: UnitCampaignStatus;
    }>(
      `/api/campaigns/:campaignId/units/:unitId/${path}`,
      {
        schema: {
          summary,
          tags: ['单位'],
          params: unitParams,
          body: OPERATION_BODIES[op],
          response: responses,
        },
      },
      async (request) => {
        const p = principalOf(request);
        requireCampaign(p, request.params.campaignId);
        const unitId = request.params.unitId;
        requireUnitAccess(p, op, unitId, store);
        const body = request.body as Record<string, unknown>;
        if (op === 'submit') await checkRefsStored(body.fileRefs as string[] | undefined);
        if (op === 'extend' && p.role === 'group')
          await checkGroupExtension(unitId, body as OperationBodies['extend']);
        return runOperation(svc, p.campaignId, unitId, op, workflowRequest(op, request.body, p));
      },
    );
  }

  async function checkRefsStored(refs: string[] | undefined): Promise<void> {
    const problems: string[] = [];
    for (const [i, ref] of (refs ?? []).entries())
      if (!(await o.uploads.has(ref))) problems.push(`fileRefs[${i}]：文件「${ref}」未上传，请先上传再报送`);
    if (problems.length > 0) throw new InvalidRequest(problems.join('；'), problems);
  }

  /** The plan has no extension limit of its own; a 指导组 may extend only within the task's stage. */
  async function checkGroupExtension(unitId: string, body: OperationBodies['extend']): Promise<void> {
    const s = await unitStatus(svc, store.campaignId, unitId);
    const task = s.tasks.find((t) => t.taskId === body.taskId);
    const stage = task && s.stages.find((x) => x.stageId === task.stageId);
    if (!stage) return; // the workflow names the unknown task
    const newDue = body.newDue;
    const stageDue = DateTime.fromISO(stage.dueAt, { zone: 'Asia/Shanghai' });
    const beyond = /^\d{4}-\d{2}-\d{2}$/.test(newDue)
      ? newDue > (stageDue.toISODate() ?? '')
      : Date.parse(newDue) > stageDue.toMillis();
    if (beyond) {
      throw new Rejected(
        `newDue：指导组只能在本阶段「${stage.title}」截止（${stageDue.toFormat('yyyy-MM-dd HH:mm')}）之前延期；更长的延期请报活动办`,
      );
    }
  }

  app.post<{ Params: { campaignId: string; unitId: string }; Reply: UploadReply }>(
    '/api/campaigns/:campaignId/units/:unitId/files',
    {
      schema: {
        summary: `上传一个材料文件（multipart/form-data，字段 file），返回引用 sha256:…；报送时在 fileRefs 中引用`,
        tags: ['单位'],
        params: unitParams,
        consumes: ['multipart/form-data'],
        response: {
          200: {
            type: 'object',
            properties: {
              ref: { type: 'string' },
              size: { type: 'integer' },
              filename: { type: 'string' },
              existed: { type: 'boolean' },
            },
          },
          ...responses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireUnitAccess(p, 'upload', request.params.unitId, store);
      if (!request.isMultipart())
        throw new UnsupportedMediaType('上传文件须使用 multipart/form-data，文件放在字段 file 中');
      // Every part is read, and a second file is refused by name rather than dropped in silence.
      let part: { fieldname: string; filename: string } | undefined;
      let bytes: Buffer = Buffer.alloc(0);
      for await (const x of request.parts({
        limits: { fileSize: maxUploadBytes, files: 2, fields: 5, parts: 7 },
      })) {
        if (x.type !== 'file') continue;
        if (part) {
          x.file.resume();
          throw new InvalidRequest(
            `${x.fieldname}：一次只能上传一个文件（「${part.filename}」之后又收到「${x.filename}」），请逐个上传`,
          );
        }
        if (x.fieldname !== 'file')
          throw new InvalidRequest(`file：文件应放在字段 file 中（收到的是「${x.fieldname}」）`);
        part = { fieldname: x.fieldname, filename: x.filename };
        bytes = await x.toBuffer();
      }
      if (!part) throw new InvalidRequest('file：没有收到文件');
      if (bytes.length === 0) throw new InvalidRequest(`file：文件「${part.filename}」是空文件`);
      const bad = checkFileType(part.filename, bytes.subarray(0, 8));
      if (bad) throw new UnsupportedMediaType(`file：${bad}`);
      const stored = await o.uploads.put(bytes);
      await o.uploadRecords?.record({
        campaignId: p.campaignId,
        unitId: request.params.unitId,
        ref: stored.ref,
        filename: part.filename,
        size: stored.size,
        uploadedBy: p.personId,
        uploadedAt: new Date(now()).toISOString(),
      });
      return { ...stored, filename: part.filename };
    },
  );

  for (const op of OPERATIONS.filter((x) => UNIT_OPERATIONS[x].batch)) {
    const { path, summary } = UNIT_OPERATIONS[op];
    app.post<{
      Params: { campaignId: string };
      Body: { filter: z.output<typeof batchFilter>; request: OperationBodies[typeof op] };
    }>(
      `/api/campaigns/:campaignId/batch/${path}`,
      {
        schema: {
          summary: `批量${summary}（按筛选条件找出单位，逐个发送，报告每个单位的结果）`,
          tags: ['批量'],
          params: campaignParams,
          body: batchBody(op),
          response: responses,
        },
      },
      async (request) => {
        const p = principalOf(request);
        requireCampaign(p, request.params.campaignId);
        requireRole(p, 'batch');
        const { filter, request: body } = request.body;
        return runBatch(svc, { campaignId: p.campaignId, ...filter }, op, () => workflowRequest(op, body, p));
      },
    );
  }

  registerLaunchRoutes(app, {
    client,
    store,
    principalOf,
    plansDir: o.plansDir ?? process.env.CAMPAIGN_PLANS_DIR ?? defaultPlansDir,
    taskQueue: o.taskQueue ?? process.env.CAMPAIGN_TASK_QUEUE ?? 'campaign',
    office: o.office ?? DEFAULT_OFFICE,
    ...(o.calendarStore ? { calendarYears: calendarYearsOf(o.calendarStore) } : {}),
  });

  registerCalendarRoutes(app, { client, calendar: o.calendarStore, principalOf, now });
  registerNotifyRoutes(app, { deliveryLog: o.deliveryLog, health: o.statusStore, principalOf, now });
  registerHealthRoutes(app, { svc, store, principalOf, log: (m) => app.log.warn(m) });
  registerArchiveRoutes(app, {
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
    dir: o.archiveDir ?? process.env.CAMPAIGN_ARCHIVE_DIR ?? '.data/archive',
    campaignId: store.campaignId,
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
      const data = await collectReport(svc, { campaignId: p.campaignId }, now);
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
