/**
 * The office launches a campaign from the console: `preview` shows every error and the calendar
 * without starting anything; `start` starts through the same launch library as `campaign start`
 * (idempotent: units already started are counted, not restarted). The plan is kept in the plans
 * folder the worker reads (`<id>.yaml`, referenced by id and sha256), so API and worker must be
 * given the same folder (CAMPAIGN_PLANS_DIR).
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { launchCampaign } from '../../app/launch.js';
import { calendarYearsDays, type CalendarYearData } from '../../domain/calendar/index.js';
import type { Office } from '../../app/people.js';
import { requireCampaign, requireRole } from './access.js';
import {
  PLAN_MAX_BYTES,
  ROSTER_MAX_BYTES,
  parseLaunchUpload,
  type LaunchUpload,
  type ParsedLaunch,
} from './campaign-preview.js';
import { InvalidRequest, TooLarge, UnsupportedMediaType } from '../../domain/failures.js';
import { campaignParams, errorSchema } from './route-schemas.js';
import type { Principal, TokenStore } from './tokens.js';
import type { CampaignPreview } from './wire/campaign-preview.js';
import type { LaunchSummary } from './wire/launch.js';

export interface LaunchRouteOptions {
  client: Client;
  store: TokenStore;
  principalOf: (request: FastifyRequest) => Principal;
  plansDir: string;
  taskQueue: string;
  office: Office;
  /** The holiday years the office loaded (app/calendar): new units start with them. */
  calendarYears?: () => Promise<CalendarYearData[]>;
}

const FILE_FIELDS = ['plan', 'roster', 'groups'] as const;
const TEXT_FIELDS = ['start', 'skipBadRows'] as const;

const FORM_DESCRIPTION = `multipart/form-data：plan（计划 YAML，≤ ${PLAN_MAX_BYTES / 1024} KB）、roster（名单 .xlsx 或 .csv，≤ ${ROSTER_MAX_BYTES / 1024 / 1024} MB）、groups（.csv 名单时必需的指导组表）、start（开始日期 2009-09-15 或带时区时刻）、skipBadRows（true 时跳过有错误的行）`;

async function readForm(request: FastifyRequest): Promise<LaunchUpload> {
  if (!request.isMultipart()) throw new UnsupportedMediaType(`请用 ${FORM_DESCRIPTION}`);
  const u: LaunchUpload = { skipBadRows: false };
  const problems: string[] = [];
  try {
    for await (const part of request.parts({
      limits: { files: 3, fields: 4, parts: 7, fileSize: ROSTER_MAX_BYTES },
    })) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (!(FILE_FIELDS as readonly string[]).includes(part.fieldname)) {
          problems.push(`${part.fieldname}：不是可接受的文件字段（可用：${FILE_FIELDS.join('、')}）`);
          continue;
        }
        if (bytes.length === 0) problems.push(`${part.fieldname}：文件「${part.filename}」是空文件`);
        else
          u[part.fieldname as (typeof FILE_FIELDS)[number]] = {
            filename: path.basename(part.filename || `${part.fieldname}`),
            bytes,
          };
      } else {
        const value = typeof part.value === 'string' ? part.value.trim() : '';
        if (part.fieldname === 'start') u.start = value;
        else if (part.fieldname === 'skipBadRows') {
          if (!['true', 'false', '1', '0', ''].includes(value))
            problems.push(`skipBadRows：只能是 true 或 false（收到「${value}」）`);
          u.skipBadRows = value === 'true' || value === '1';
        } else
          problems.push(
            `${part.fieldname}：不是可接受的字段（可用：${[...FILE_FIELDS, ...TEXT_FIELDS].join('、')}）`,
          );
      }
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      throw new TooLarge(`文件过大：名单和计划文件都不能超过 ${ROSTER_MAX_BYTES / 1024 / 1024} MB`);
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
      throw new TooLarge('表单内容过多：只需计划、名单、指导组表三个文件和 start、skipBadRows 两个字段');
    throw e;
  }
  if (problems.length > 0) throw new InvalidRequest(problems.join('；'), problems);
  return u;
}

/** Writes `<id>.yaml` once; identical bytes already there are fine (checked in the preview). */
async function keepPlan(plansDir: string, parsed: ParsedLaunch): Promise<string> {
  const plan = parsed.plan!;
  const file = path.join(plansDir, `${plan.id}.yaml`);
  // The preview refused other bytes under this id; the same bytes need no write.
  if (
    await stat(file).then(
      () => true,
      () => false,
    )
  )
    return file;
  await mkdir(plansDir, { recursive: true });
  const tmp = `${file}.${randomUUID()}.part`;
  try {
    await writeFile(tmp, parsed.planBytes!);
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
  return file;
}

const anyObject = (description: string, properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: true,
  description,
  properties,
});

export function registerLaunchRoutes(app: FastifyInstance, o: LaunchRouteOptions): void {
  const responses = {
    400: errorSchema,
    401: errorSchema,
    403: errorSchema,
    413: errorSchema,
    415: errorSchema,
    429: errorSchema,
  };

  const withUpload = async <T>(
    request: FastifyRequest<{ Params: { campaignId: string } }>,
    fn: (parsed: ParsedLaunch, u: LaunchUpload) => Promise<T>,
  ): Promise<T> => {
    const p = o.principalOf(request);
    requireCampaign(p, request.params.campaignId);
    requireRole(p, 'launch');
    const u = await readForm(request);
    const years = (await o.calendarYears?.()) ?? [];
    const parsed = await parseLaunchUpload(u, o.plansDir, calendarYearsDays(years));
    parsed.calendarYears = years;
    try {
      return await fn(parsed, u);
    } finally {
      await parsed.dispose();
    }
  };

  app.post<{ Params: { campaignId: string }; Reply: CampaignPreview }>(
    '/api/campaigns/:campaignId/preview',
    {
      schema: {
        summary:
          '启动前预览：计划错误（文件:行:字段）、名单错误（行号）、各类单位的日程（开始、截止、提醒、督办），不启动任何单位',
        description: FORM_DESCRIPTION,
        tags: ['发起活动'],
        params: campaignParams,
        consumes: ['multipart/form-data'],
        response: {
          200: anyObject('预览结果；ok = 可以启动', {
            ok: { type: 'boolean' },
            plan: {},
            planErrors: {},
            inputErrors: {},
            rosterErrors: {},
            rosterWarnings: {},
            roster: {},
            previews: {},
          }),
          ...responses,
        },
      },
    },
    (request) => withUpload(request, (parsed) => Promise.resolve(parsed.preview)),
  );

  app.post<{ Params: { campaignId: string }; Reply: LaunchSummary }>(
    '/api/campaigns/:campaignId/start',
    {
      schema: {
        summary:
          '启动活动：按名单逐个启动单位流程；可重复调用，已启动的单位跳过。名单有错误时一个也不启动，除非 skipBadRows=true',
        description: FORM_DESCRIPTION,
        tags: ['发起活动'],
        params: campaignParams,
        consumes: ['multipart/form-data'],
        response: {
          200: anyObject('启动汇总', {
            campaignId: { type: 'string' },
            planId: { type: 'string' },
            planTitle: { type: 'string' },
            started: { type: 'integer', description: '新启动' },
            alreadyRunning: { type: 'integer', description: '已在运行（跳过）' },
            refused: { type: 'integer', description: '未启动' },
            units: {},
            skippedRows: {},
            rosterErrors: {},
            elapsedMs: { type: 'integer' },
            tokens: {
              type: 'array',
              description:
                '本次新发放的登录令牌（明文只在此返回一次，服务器只存哈希）：新启动单位的联络员、第一责任人，以及尚无令牌的指导组成员',
              items: anyObject('一个人的令牌', {
                token: { type: 'string' },
                role: { type: 'string' },
                personId: { type: 'string' },
                name: { type: 'string' },
                unitId: { type: 'string' },
                groupId: { type: 'string' },
                email: { type: 'string' },
                mobile: { type: 'string' },
              }),
            },
          }),
          ...responses,
        },
      },
    },
    (request) =>
      withUpload(request, async (parsed, u) => {
        const pv = parsed.preview;
        const problems = [
          ...pv.inputErrors,
          ...pv.planErrors.map((i) => `plan：${i.text}`),
          ...pv.rosterErrors.map((e) => `roster：${e.message}`),
        ];
        if (!pv.ok) {
          if (pv.rosterErrors.length > 0 && !u.skipBadRows && !pv.roster?.fatal)
            problems.push(
              '名单有错误，没有启动任何单位。改正后重新上传，或勾选“跳过有问题的行”（skipBadRows=true）',
            );
          if (problems.length === 0) problems.push('没有可以启动的单位：名单中的单位类型都不适用于该计划');
          throw new InvalidRequest(problems.join('；'), problems);
        }
        const planPath = await keepPlan(o.plansDir, parsed);
        const r = await launchCampaign(o.client, {
          planPath,
          rosterPath: parsed.rosterPath!,
          ...(parsed.groupsPath ? { groupsPath: parsed.groupsPath } : {}),
          campaignId: request.params.campaignId,
          start: u.start!,
          skipBadRows: u.skipBadRows,
          taskQueue: o.taskQueue,
          office: o.office,
          calendarYears: parsed.calendarYears ?? [],
        });
        if (!r.ok) {
          const errs = r.errors.map(parsed.clean);
          throw new InvalidRequest(errs.join('；'), errs);
        }
        // Dashboards and 指导组 reach read these; new units and stages join them from now on. Units
        // already running before this call count too: their people may still lack a login.
        const launched = new Set(r.units.filter((x) => x.outcome !== 'refused').map((x) => x.unitId));
        const unitGroups = Object.fromEntries(
          [...launched].flatMap((u) => (parsed.unitGroups.has(u) ? [[u, parsed.unitGroups.get(u)!]] : [])),
        );
        const tokens = await o.store.recordLaunch({
          unitGroups,
          stages: parsed.plan!.stages.map((s) => s.id),
          units: parsed.units.filter((x) => launched.has(x.id)),
        });
        return {
          ...r,
          tokens,
          rosterErrors: r.rosterErrors.map((e) => ({ ...e, message: parsed.clean(e.message) })),
        };
      }),
  );
}
