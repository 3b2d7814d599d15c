/**
 * Typed sections of the configuration, each validated from the environment (after `.env`, see
 * environment.ts). An entrypoint asks for the sections it needs with `loadConfig(...)` and gets
 * every problem of every section at once, each naming its variable, before anything connects.
 * The notification variables (SMTP, SMS, robots) keep their own schema in
 * activities/notify/config.ts and the upload store in client/api/uploads-config.ts; the worker and
 * the API read those through here too.
 */
import { z } from 'zod';
import { ConfigError, loadEnvFile } from './environment.js';

const text = (fallback: string) => z.string().trim().min(1).default(fallback);
const whole = (min: number, max: number, message: string) =>
  z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message });
const port = (fallback: number) => whole(1, 65535, '应为 1–65535 的端口号').default(fallback);
const positive = (fallback: number, max: number) => whole(1, max, `应为 1–${max} 的整数`).default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: '只能是 true 或 false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));

const temporal = z.object({
  TEMPORAL_ADDRESS: text('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: text('default'),
  CAMPAIGN_TASK_QUEUE: text('campaign'),
});

const database = z.object({
  /** PostgreSQL for the application's own state (tokens, progress, uploads) and the delivery log. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, '应为 postgres:// 开头的连接串')
    .optional(),
  /** Pool size per process. */
  DATABASE_POOL_MAX: positive(10, 200),
});

const api = z.object({
  API_HOST: text('127.0.0.1'),
  API_PORT: port(8080),
  /** The campaign this API serves when its tokens live in PostgreSQL. */
  CAMPAIGN_ID: z.string().trim().min(1).optional(),
  /** The token file (`campaign tokens issue --store`) when there is no DATABASE_URL. */
  CAMPAIGN_TOKENS_FILE: z.string().trim().min(1).optional(),
  CAMPAIGN_UPLOADS_DIR: text('.data/uploads'),
  CAMPAIGN_PROGRESS_DIR: text('.data/progress'),
  CAMPAIGN_UPLOAD_RECORDS_FILE: text('.data/upload-records.jsonl'),
  CAMPAIGN_PLANS_DIR: z.string().trim().min(1).optional(),
  API_MAX_UPLOAD_MB: positive(20, 1024),
  API_RATE_LIMIT_PER_MINUTE: positive(120, 1_000_000),
  /** Serve the web console (web/dist) beside the API on the same port. */
  API_SERVE_CONSOLE: flag(true),
  /** Seconds to finish requests in flight after SIGTERM before the process leaves anyway. */
  API_SHUTDOWN_GRACE_SECONDS: positive(20, 600),
});

const worker = z.object({
  CAMPAIGN_PLANS_DIR: z.string().trim().min(1).optional(),
  /** /healthz, /readyz and /metrics of the worker. */
  WORKER_HTTP_HOST: text('127.0.0.1'),
  WORKER_HTTP_PORT: port(9464),
  /** After SIGTERM: stop polling, let activities in flight finish this long, then cancel them. */
  WORKER_SHUTDOWN_GRACE_SECONDS: positive(30, 3600),
  /** Prebundled workflow code (`npm run bundle`); bundled from source when the file is missing. */
  WORKER_WORKFLOW_BUNDLE: z.string().trim().min(1).optional(),
});

const SECTIONS = { temporal, database, api, worker } as const;
type Sections = typeof SECTIONS;
export type SectionName = keyof Sections;
export type Config<K extends SectionName> = { [S in K]: z.output<Sections[S]> };

/** What `loadConfig` reads: the environment with empty values (`KEY=` in .env) treated as unset. */
function cleaned(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1].trim() !== ''),
  );
}

/**
 * Reads `.env` (once) and validates the named sections; throws ConfigError listing every problem.
 * `env` defaults to `process.env`; a test passes its own and no file is read.
 */
export function loadConfig<K extends SectionName>(
  sections: readonly K[],
  env?: NodeJS.ProcessEnv,
): Config<K> {
  if (!env) loadEnvFile();
  const values = cleaned(env ?? process.env);
  const problems: string[] = [];
  const out: Partial<Record<SectionName, unknown>> = {};
  for (const name of sections) {
    const r = SECTIONS[name].safeParse(values);
    if (r.success) out[name] = r.data;
    else for (const i of r.error.issues) problems.push(`${i.path.join('.')}：${i.message}`);
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return out as Config<K>;
}

/** The environment after `.env`, for the section parsers that live with their features (notify, uploads). */
export function configuredEnvironment(): NodeJS.ProcessEnv {
  loadEnvFile();
  return process.env;
}
