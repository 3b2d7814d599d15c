/**
 * The office's view of notifications that did not reach someone or whose delivery is uncertain,
 * read from the delivery log the worker writes. Optional: an API started without the log answers
 * 503 with a sentence saying what to configure.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DeliveryLog } from '../../activities/notify/log/delivery-log.js';
import { requireCampaign, requireRole } from './access.js';
import { DEFAULT_PROBLEM_LIMIT, listDeliveryProblems } from './delivery-problems.js';
import { ApiError } from './errors.js';
import { campaignParams, errorSchema } from './schemas.js';
import type { Principal } from './tokens.js';

export interface NotifyRouteOptions {
  deliveryLog: DeliveryLog | undefined;
  principalOf: (request: FastifyRequest) => Principal;
}

const str = (description: string) => ({ type: 'string', description }) as const;

const problemSchema = {
  type: 'object',
  properties: {
    at: str('最近一次记录的时间（ISO）'),
    status: { type: 'string', enum: ['failed', 'uncertain'], description: 'failed：发送失败，不会重试；uncertain：发送中断、结果未知，不会自动重发' },
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
  },
} as const;

export function registerNotifyRoutes(app: FastifyInstance, o: NotifyRouteOptions): void {
  app.get<{ Params: { campaignId: string }; Querystring: { limit?: number } }>(
    '/api/campaigns/:campaignId/notification-problems',
    {
      schema: {
        summary: '通知异常：发送失败（地址有误、服务商拒收）和结果未知（发送中断，未自动重发）的通知，最近的在前（仅活动办）',
        tags: ['汇总'],
        params: campaignParams,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, description: `最多返回多少条，默认 ${DEFAULT_PROBLEM_LIMIT}` } } },
        response: {
          200: {
            type: 'object',
            properties: {
              campaignId: { type: 'string' },
              problems: { type: 'array', items: problemSchema },
              failed: { type: 'integer', description: '本次返回中发送失败的条数' },
              uncertain: { type: 'integer', description: '本次返回中结果未知的条数' },
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
      if (!o.deliveryLog) {
        throw new ApiError(503, '服务器没有接入通知投递记录，无法查看通知异常：请用与 worker 相同的 DATABASE_URL 或 NOTIFY_SQLITE_PATH 启动 API');
      }
      return listDeliveryProblems(o.deliveryLog, { campaignId: p.campaignId, limit: request.query.limit ?? DEFAULT_PROBLEM_LIMIT });
    },
  );
}
