/**
 * What a load balancer, a container runtime and Prometheus ask of an API replica, without a token:
 * `/healthz` (the process answers), `/readyz` (Temporal and the database answer; 503 while
 * draining after SIGTERM), `/metrics` (requests, latency and refusals per route, plus the Node
 * process). Route labels are the route patterns, never raw URLs, so ids do not explode the series.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const OPS_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

declare module 'fastify' {
  interface FastifyRequest {
    /** Why a request was refused, when the reason is finer than its status (e.g. a revoked token). */
    refusal: string | null;
  }
}

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects with a Chinese reason. */
  check(): Promise<void>;
}

export interface OpsRouteOptions {
  checks: readonly ReadinessCheck[];
  /** Seconds a readiness check may take. */
  timeoutMs?: number;
}

/** Temporal answers a cheap call (GetSystemInfo) within its deadline. */
export function temporalCheck(client: Client): ReadinessCheck {
  return {
    name: 'temporal',
    async check() {
      try {
        await client.connection.withDeadline(Date.now() + 3000, () =>
          client.connection.workflowService.getSystemInfo({}),
        );
      } catch (e) {
        throw new Error(`Temporal 服务不可达：${(e as Error).message}`, { cause: e });
      }
    },
  };
}

/** The database answers `SELECT 1`. */
export function databaseCheck(pool: { query(sql: string): Promise<unknown> }): ReadinessCheck {
  return {
    name: 'database',
    async check() {
      try {
        await pool.query('SELECT 1');
      } catch (e) {
        throw new Error(`数据库不可达：${(e as Error).message}`, { cause: e });
      }
    },
  };
}

const REASON_OF_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  414: 'too_long',
  415: 'unsupported_type',
  429: 'rate_limited',
};

function apiMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'campaign_api_requests_total',
      help: 'HTTP requests answered, by route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'campaign_api_request_duration_seconds',
      help: 'Time to answer a request, by route pattern',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'campaign_api_refusals_total',
      help: 'Requests refused (4xx), by status and reason',
      labelNames: ['status', 'reason'] as const,
      registers: [registry],
    }),
  };
}

function withTimeout(p: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<void>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}在 ${ms} ms 内没有应答`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}

export function registerOpsRoutes(app: FastifyInstance, o: OpsRouteOptions): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'campaign_api_' });
  const m = apiMetrics(registry);
  let closing = false;

  app.decorateRequest('refusal', null);
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (!(OPS_PATHS as readonly string[]).includes(route)) {
      const status = reply.statusCode;
      m.requests.inc({ method: request.method, route, status: String(status) });
      m.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
      if (status >= 400 && status < 500)
        m.refusals.inc({
          status: String(status),
          reason: request.refusal ?? REASON_OF_STATUS[status] ?? 'other',
        });
    }
    done();
  });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  app.get('/healthz', { schema: { hide: true } }, (_request, reply) => reply.send({ ok: true }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (closing) return reply.status(503).send({ ok: false, checks: { server: '正在停止' } });
    const results = await Promise.all(
      o.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), o.timeoutMs ?? 3000, c.name);
          return [c.name, 'ok'] as const;
        } catch (e) {
          return [c.name, (e as Error).message] as const;
        }
      }),
    );
    const ok = results.every(([, r]) => r === 'ok');
    return reply.status(ok ? 200 : 503).send({ ok, checks: Object.fromEntries(results) });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
  return registry;
}
