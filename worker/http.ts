/**
 * The worker's operations port: `/healthz` (the process answers), `/readyz` (the worker is
 * polling: 503 before it runs and while it drains after SIGTERM), `/metrics` (the SDK's runtime
 * metrics, with this project's own recorded through the same meter, exported by the Core
 * runtime's Prometheus endpoint on a private loopback port and passed through here).
 */
import http from 'node:http';

export interface WorkerHttpOptions {
  host: string;
  port: number;
  /** `RUNNING` when polling; anything else is not ready. */
  state: () => string;
  /** The Core runtime's Prometheus endpoint, e.g. http://127.0.0.1:PORT/metrics. */
  coreMetricsUrl: string;
}

export interface WorkerHttp {
  url: string;
  close(): Promise<void>;
}

export async function startWorkerHttp(o: WorkerHttpOptions): Promise<WorkerHttp> {
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    if (req.method !== 'GET') return json(405, { ok: false });
    if (url === '/healthz') return json(200, { ok: true, state: o.state() });
    if (url === '/readyz')
      return o.state() === 'RUNNING'
        ? json(200, { ok: true, state: 'RUNNING' })
        : json(503, { ok: false, state: o.state() });
    if (url === '/metrics') {
      fetch(o.coreMetricsUrl, { signal: AbortSignal.timeout(3000) })
        .then(async (r) =>
          res
            .writeHead(r.status, {
              'content-type': r.headers.get('content-type') ?? 'text/plain; version=0.0.4',
            })
            .end(await r.text()),
        )
        .catch((e: unknown) => json(503, { ok: false, message: `指标暂不可用：${(e as Error).message}` }));
      return;
    }
    json(404, { ok: false });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : o.port;
  return {
    url: `http://${o.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
