/**
 * The office's view of notifications that did not reach someone or whose delivery is uncertain,
 * read from the delivery log the worker writes, and its record of having dealt with one. Optional:
 * an API started without the log answers 503 with a sentence saying what to configure.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ResolveError, type DeliveryLog } from '../../activities/notify/log/delivery-log.js';
import type { UnitHealthCache } from '../../activities/status/health.js';
import { requireCampaign, requireRole } from './access.js';
import {
  DEFAULT_PROBLEM_LIMIT,
  ProblemRefError,
  listDeliveryProblems,
  resolveProblems,
} from './delivery-problems.js';
import { CampaignFailure, Conflict, NotConfigured, NotFound } from '../../domain/failures.js';
import { z } from 'zod';
import { id } from '../../domain/input/fields.js';
import { campaignParams, errorSchema, queryFlag, queryInt } from './route-schemas.js';
import { resolutionBody, type ResolutionBody } from './wire/resolution-body.js';
import type { Principal } from './tokens.js';
import type { DeliveryProblem, DeliveryProblemList, DeliveryProblemQuery } from './wire/delivery-problems.js';

export interface NotifyRouteOptions {
  deliveryLog: DeliveryLog | undefined;
  /** The health cache beside the read model: stuck units head the list (流程异常，需要技术处理). */
  health?: Pick<UnitHealthCache, 'health' | 'activeCampaigns'>;
  principalOf: (request: FastifyRequest) => Principal;
  now?: () => number;
}

const str = (description: string) => ({ type: 'string', description }) as const;

const resolutionSchema = {
  type: 'object',
  description: '活动办的处理情况（只在包含已处理的列表和标记后的回答中出现）',
  properties: {
    kind: { type: 'string', enum: ['received', 'resent', 'address_fixed', 'other'] },
    kindLabel: str('已核实收到 / 已人工补发 / 已更正地址 / 其他'),
    by: str('处理人（令牌对应的活动办人员）'),
    at: str('标记时间（ISO）'),
    note: str('补充说明'),
  },
} as const;

const problemSchema = {
  type: 'object',
  properties: {
    id: str('编号：投递编号 sha256 的前 8 位（同一列表中重复时更长），标记已处理时用'),
    deliveryKey: str('完整的投递编号'),
    at: str('最近一次记录的时间（ISO）'),
    status: {
      type: 'string',
      enum: ['failed', 'uncertain'],
      description: 'failed：发送失败，不会重试；uncertain：发送中断、结果未知，不会自动重发',
    },
    statusLabel: str('发送失败 / 结果未知'),
    channel: str('email、sms、dingtalk、wecom'),
    channelLabel: str('邮件、短信、钉钉、企业微信'),
    role: str('收件人角色编号'),
    roleLabel: str('联络员、第一责任人、指导组成员……'),
    recipientName: str('收件人'),
    recipient: str('角色与姓名，如「联络员 张明」'),
    address: str('邮箱、手机号，或群机器人的摘要'),
    notificationId: str('通知编号 campaign/<活动>/unit/<单位>/…'),
    campaignId: str('活动编号'),
    unitId: str('单位编号'),
    event: str('通知类型编号'),
    eventLabel: str('通知类型'),
    errorCode: str('原因代码'),
    reason: str('原因（中文）'),
    attempts: { type: 'integer', description: '尝试次数' },
    resolution: resolutionSchema,
  },
} as const;

const workflowProblemSchema = {
  type: 'object',
  description: '流程异常的单位：工作流任务反复失败，修复前不会再发出任何通知',
  properties: {
    campaignId: str('活动编号'),
    unitId: str('单位编号'),
    unitName: str('单位名称'),
    statusLabel: str('流程异常，需要技术处理'),
    error: str('工作流任务的错误信息（worker 报告的原文）'),
    failures: { type: 'integer', description: '工作流任务已失败的次数' },
    since: str('发现流程异常的时间（ISO）'),
    checkedAt: str('最近一次检查的时间（ISO）'),
  },
} as const;

const problemParams = z.strictObject({
  campaignId: id('活动编号', 64).describe('活动编号'),
  problemId: id('通知异常的编号', 1000).describe(
    '通知异常的编号（列表中的 id），或完整的投递编号（URL 编码）',
  ),
});

const problemQuery = z.strictObject({
  limit: queryInt(1, 1000, `最多返回多少条，默认 ${DEFAULT_PROBLEM_LIMIT}`).optional(),
  includeResolved: queryFlag('true 时也列出已标记处理的（带 resolution）；缺省只列待处理的').optional(),
});

const NO_LOG =
  '服务器没有接入通知投递记录，无法查看通知异常：请用与 worker 相同的 DATABASE_URL 或 NOTIFY_SQLITE_PATH 启动 API';

export function registerNotifyRoutes(app: FastifyInstance, o: NotifyRouteOptions): void {
  const now = o.now ?? Date.now;
  app.get<{ Params: { campaignId: string }; Querystring: DeliveryProblemQuery; Reply: DeliveryProblemList }>(
    '/api/campaigns/:campaignId/notification-problems',
    {
      schema: {
        summary:
          '通知异常：发送失败（地址有误、服务商拒收）和结果未知（发送中断，未自动重发）的通知，最近的在前（仅活动办）',
        tags: ['汇总'],
        params: campaignParams,
        querystring: problemQuery,
        response: {
          200: {
            type: 'object',
            properties: {
              campaignId: { type: 'string' },
              workflowProblems: {
                type: 'array',
                items: workflowProblemSchema,
                description: '流程异常，需要技术处理的单位（列在通知之前）',
              },
              problems: { type: 'array', items: problemSchema },
              failed: { type: 'integer', description: '本次返回中待处理的发送失败条数' },
              uncertain: { type: 'integer', description: '本次返回中待处理的结果未知条数' },
              resolved: { type: 'integer', description: '本次返回中已处理的条数（includeResolved 时）' },
              includeResolved: { type: 'boolean' },
              truncated: { type: 'boolean', description: '还有更早的记录没有返回' },
            },
          },
          400: errorSchema,
          401: errorSchema,
          403: errorSchema,
          429: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request) => {
      const p = o.principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireRole(p, 'notifyProblems');
      if (!o.deliveryLog) throw new NotConfigured(NO_LOG);
      return listDeliveryProblems(o.deliveryLog, {
        campaignId: p.campaignId,
        limit: request.query.limit ?? DEFAULT_PROBLEM_LIMIT,
        includeResolved: request.query.includeResolved === true,
        ...(o.health ? { health: o.health } : {}),
      });
    },
  );

  app.post<{
    Params: { campaignId: string; problemId: string };
    Body: ResolutionBody;
    Reply: DeliveryProblem;
  }>(
    '/api/campaigns/:campaignId/notification-problems/:problemId/resolution',
    {
      schema: {
        summary:
          '标记通知异常已处理（已核实收到、已人工补发、已更正地址、其他）：不再列入待处理；通知本身的发送状态不变。再次标记会替换此前的处理情况（仅活动办）',
        tags: ['汇总'],
        params: problemParams,
        body: resolutionBody,
        response: {
          200: problemSchema,
          400: errorSchema,
          401: errorSchema,
          403: errorSchema,
          404: errorSchema,
          409: errorSchema,
          429: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request) => {
      const p = o.principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireRole(p, 'resolveNotifyProblem');
      if (!o.deliveryLog) throw new NotConfigured(NO_LOG);
      const body = request.body;
      try {
        const [resolved] = await resolveProblems(o.deliveryLog, {
          refs: [request.params.problemId],
          kind: body.kind,
          by: p.name,
          ...(body.note ? { note: body.note } : {}),
          campaignId: p.campaignId,
          now: new Date(now()),
        });
        return resolved;
      } catch (e) {
        // 404: nothing by that id; 409: it exists but is not a problem, or the id is ambiguous.
        if (e instanceof ProblemRefError) {
          const problems = e.problems.map((x) => `problemId${x}`);
          throw e.notFound
            ? new NotFound(problems.join('；'), problems)
            : new Conflict(problems.join('；'), problems);
        }
        if (e instanceof ResolveError)
          throw new CampaignFailure(
            e.reason === 'unknown_delivery'
              ? 'NotFound'
              : e.reason === 'invalid'
                ? 'InvalidRequest'
                : 'Conflict',
            e.message,
          );
        throw e;
      }
    },
  );
}
