/**
 * The token lifecycle over HTTP. The office lists a campaign's logins (never the tokens), revokes
 * one person's, one unit's people's or the whole campaign's, and rotates a person's (the new token
 * is in the answer, once). Anyone may rotate their own token, e.g. after it was shown on a screen.
 * The store refuses a revoked token on its next request on every replica (tokens.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { optionalText } from '../../domain/input/fields.js';
import { requireCampaign, requireRole } from './access.js';
import { InvalidRequest, NotFound } from '../../domain/failures.js';
import { campaignParams, errorSchema } from './route-schemas.js';
import type { IssuedToken, Principal, RevokeScope, TokenInfo, TokenStore } from './tokens.js';

export interface TokenRouteOptions {
  store: TokenStore;
  principalOf: (request: FastifyRequest) => Principal;
  now: () => number;
}

// Clean text like every other input: no control characters or lone surrogates (issue 14, finding 10).
const reason = optionalText(200).trim().min(1, '不能为空').max(200, '不能超过 200 字').optional();
const id = optionalText(200).trim().min(1, '不能为空');
/** Exactly one of personId, unitId, campaign: checked in the handler, with a message naming all three. */
const RevokeBody = z
  .object({ personId: id.optional(), unitId: id.optional(), campaign: z.literal(true).optional(), reason })
  .strict();
const RotateBody = z.object({ personId: id }).strict();

const responses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  429: errorSchema,
};

export function registerTokenRoutes(app: FastifyInstance, o: TokenRouteOptions): void {
  const office = (request: FastifyRequest<{ Params: { campaignId: string } }>) => {
    const p = o.principalOf(request);
    requireCampaign(p, request.params.campaignId);
    requireRole(p, 'manageTokens');
    return p;
  };

  app.get<{ Params: { campaignId: string }; Reply: { tokens: TokenInfo[] } }>(
    '/api/campaigns/:campaignId/tokens',
    {
      schema: {
        summary: '登录令牌清单：每人的角色、单位、指导组、发放与到期时间、作废情况（不含令牌本身）',
        tags: ['账号'],
        params: campaignParams,
        response: responses,
      },
    },
    async (request) => {
      office(request);
      return { tokens: await o.store.list() };
    },
  );

  app.post<{ Params: { campaignId: string }; Body: unknown; Reply: { revoked: number } }>(
    '/api/campaigns/:campaignId/tokens/revoke',
    {
      schema: {
        summary:
          '作废令牌：{personId} 一个人、{unitId} 一个单位的联络员和第一责任人、{campaign: true} 整个活动；下一次请求起在所有服务器上失效',
        tags: ['账号'],
        params: campaignParams,
        body: RevokeBody,
        response: responses,
      },
    },
    async (request) => {
      const p = office(request);
      const body = request.body as z.output<typeof RevokeBody>;
      const chosen = [
        body.personId !== undefined,
        body.unitId !== undefined,
        body.campaign !== undefined,
      ].filter(Boolean).length;
      if (chosen !== 1)
        throw new InvalidRequest(
          'personId、unitId、campaign：须且只须填写其中一个（一个人、一个单位的人员、或 campaign: true 整个活动）',
        );
      const scope: RevokeScope =
        body.personId !== undefined
          ? { personId: body.personId }
          : body.unitId !== undefined
            ? { unitId: body.unitId }
            : { campaign: true };
      const revoked = await o.store.revoke(scope, {
        by: p.personId,
        ...(body.reason ? { reason: body.reason } : {}),
        now: new Date(o.now()),
      });
      return { revoked };
    },
  );

  app.post<{ Params: { campaignId: string }; Body: unknown; Reply: { token: IssuedToken } }>(
    '/api/campaigns/:campaignId/tokens/rotate',
    {
      schema: {
        summary: '为一个人换发新令牌：旧令牌立即作废，新令牌只在本次应答中出现一次',
        tags: ['账号'],
        params: campaignParams,
        body: RotateBody,
        response: responses,
      },
    },
    async (request) => {
      const p = office(request);
      const { personId } = request.body as z.output<typeof RotateBody>;
      const token = await o.store.rotate(personId, { by: p.personId, now: new Date(o.now()) });
      if (!token) throw new NotFound(`personId：活动中没有人员「${personId}」的令牌`);
      return { token };
    },
  );

  app.post<{ Reply: { token: IssuedToken } }>(
    '/api/me/token/rotate',
    {
      schema: {
        summary: '换发自己的令牌：当前令牌立即作废，新令牌只在本次应答中出现一次',
        tags: ['账号'],
        response: responses,
      },
    },
    async (request) => {
      const p = o.principalOf(request);
      const token = await o.store.rotate(p.personId, {
        by: p.personId,
        reason: '本人换发',
        now: new Date(o.now()),
      });
      if (!token) throw new NotFound('找不到当前令牌');
      return { token };
    },
  );
}
