/**
 * One loopback address for the console and the API: static files of web/dist/ for the page, and
 * every `/api/…`, `/openapi.json` and `/health` request handed to the API's Fastify router. The
 * API checks a token on every request it routes, so the page itself is served here, beside it.
 */
import { createReadStream, existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { webDist } from './build-web.js';
import { CONSOLE_HEADERS } from '../api/security-headers.js';

export interface DemoLoginEntry {
  role: 'office' | 'group' | 'unit';
  /** What the login button says, e.g. "活动办 · 张主任" or "青山镇机关 · 联络员 王芳". */
  label: string;
  token: string;
}

export interface ConsoleServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

const isApi = (url: string) =>
  url.startsWith('/api/') || ['/openapi.json', '/health', '/healthz', '/readyz', '/metrics'].includes(url);

export async function startConsoleServer(options: {
  api: FastifyInstance;
  host?: string;
  port?: number;
  demoLogins?: DemoLoginEntry[];
  distDir?: string;
}): Promise<ConsoleServer> {
  const dist = options.distDir ?? webDist;
  if (!existsSync(path.join(dist, 'index.html')))
    throw new Error(`找不到网页控制台（${dist}/index.html），请先运行 npm run build:web`);
  await options.api.ready();
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0] ?? '/';
    if (isApi(url)) return options.api.routing(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { 'content-type': 'text/plain; charset=utf-8', ...CONSOLE_HEADERS })
        .end('只支持 GET');
      return;
    }
    if (url === '/demo-logins.json') {
      if (!options.demoLogins) return void res.writeHead(404).end();
      res
        .writeHead(200, { 'content-type': TYPES['.json']!, 'cache-control': 'no-store', ...CONSOLE_HEADERS })
        .end(JSON.stringify(options.demoLogins));
      return;
    }
    // Anything that is not a built asset is the single page (hash routes live in the browser).
    const file = path.normalize(path.join(dist, decodeURIComponent(url)));
    const target =
      file.startsWith(dist + path.sep) && existsSync(file) && !file.endsWith(path.sep) && path.extname(file)
        ? file
        : path.join(dist, 'index.html');
    const hashed = target.includes(`${path.sep}assets${path.sep}`);
    res.writeHead(200, {
      'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...CONSOLE_HEADERS,
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(target).pipe(res);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
