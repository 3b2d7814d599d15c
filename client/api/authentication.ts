/**
 * Who is asking: every request but the public paths carries `Authorization: Bearer <token>`,
 * checked against the token store on every request (a token revoked on another replica is refused
 * here too). Requests are rate-limited per token; refused guesses per client address and globally,
 * before the token is even read.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Unauthorized } from '../../domain/failures.js';
import { GuessLimit } from './guess-limit.js';
import { REFUSAL_TEXT, hashToken, type Principal, type TokenStore } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface AuthenticationOptions {
  store: TokenStore;
  now: () => number;
  /** Paths answered without a token. */
  publicPaths: ReadonlySet<string>;
  /** Requests per minute per token (however `Bearer` is spelt), or per address without one; default 120. */
  rateLimitPerMinute?: number;
  /** Refused tokens per minute from one address; default 20. */
  tokenFailuresPerAddressPerMinute?: number;
  /** Refused tokens per minute from all addresses together; default 300. */
  tokenFailuresPerMinute?: number;
}

/** The token of `Authorization: Bearer <token>` (the scheme in any case, any blanks around). */
const bearerToken = (auth: string | undefined): string | undefined =>
  auth ? /^\s*Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] : undefined;

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Unauthorized('请先登录');
  return request.principal;
}

/** The rate limiter and the token check; registered before any route. */
export async function registerAuthentication(app: FastifyInstance, o: AuthenticationOptions): Promise<void> {
  const now = o.now;
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
  const guesses = new GuessLimit({
    perAddress: o.tokenFailuresPerAddressPerMinute ?? 20,
    global: o.tokenFailuresPerMinute ?? 300,
    now,
  });
  app.addHook('preParsing', async (request, _reply, payload) => {
    const url = request.url.split('?')[0] ?? '';
    if (o.publicPaths.has(url)) return payload;
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
    const checked = await o.store.check(token, new Date(now()));
    if (!checked.ok) {
      guesses.failed(request.ip);
      request.refusal = `${checked.reason}_token`;
      throw new Unauthorized(REFUSAL_TEXT(checked));
    }
    request.principal = checked.principal;
    return payload;
  });
}
