import { z } from 'zod';

/** Defaults of the one-mail-per-person settings (issue 16), shared with the demo stack. */
export const DEFAULT_BUNDLE_WINDOW_MS = 3_000;
export const DEFAULT_ESCALATION_REPEATS_PER_WEEK = 3;

/**
 * Everything the notification activities read from the environment, validated once at worker
 * start-up. All problems are reported together, each naming its variable.
 */

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));
const int = (fallback: number, min: number, max: number) =>
  z.coerce
    .number()
    .int()
    .min(min)
    .max(max)
    .optional()
    .transform((v) => v ?? fallback);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '应为 HH:mm，例如 08:30');
const url = z.url();

const EnvSchema = z.object({
  NOTIFY_TEMPLATES_DIR: z.string().default('templates/notify'),
  NOTIFY_OFFICE_NAME: z.string().min(1).default('活动办'),
  NOTIFY_TIMEZONE: z.string().default('Asia/Shanghai'),
  NOTIFY_OFFICE_HOURS_START: hhmm.default('08:30'),
  NOTIFY_OFFICE_HOURS_END: hhmm.default('18:00'),
  /** Channels that respect office hours and working days; email is allowed any time by default. */
  NOTIFY_QUIET_CHANNELS: z
    .string()
    .default('sms,dingtalk,wecom')
    .transform((s) =>
      s
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(['email', 'sms', 'dingtalk', 'wecom']))),
  // A claim older than this belongs to a dead attempt. Just above the notification activity's
  // heartbeat timeout (10 s): a live attempt heartbeats every 2 s, so its claims never look dead,
  // and a killed worker's deliveries are settled by the first retry instead of minutes later.
  NOTIFY_CLAIM_LEASE_SECONDS: int(12, 10, 3600),
  // One mail per person (activities/notify/bundle.ts): emails due for one address within this
  // window go out as one mail listing them all; 0 sends every notification on its own.
  NOTIFY_BUNDLE_WINDOW_MS: int(DEFAULT_BUNDLE_WINDOW_MS, 0, 8_000), // below the 10 s heartbeat timeout
  // Mails carrying escalation repeats per address and rolling week; more are recorded 'suppressed'. 0: no cap.
  NOTIFY_ESCALATION_REPEATS_PER_WEEK: int(DEFAULT_ESCALATION_REPEATS_PER_WEEK, 0, 1000),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, '应为 postgres:// 开头的连接串')
    .optional(),
  NOTIFY_SQLITE_PATH: z.string().default('.data/notify.sqlite'),

  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: int(587, 1, 65535),
  /** Implicit TLS (port 465). */
  SMTP_SECURE: bool(false),
  /** Refuse to send unless STARTTLS succeeds (port 587). */
  SMTP_REQUIRE_TLS: bool(true),
  SMTP_TLS_REJECT_UNAUTHORIZED: bool(true),
  /** PEM file of the CA that signed the server's certificate (an internal / 政务外网 CA); the system CAs otherwise. */
  SMTP_TLS_CA_FILE: z.string().min(1).optional(),
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  SMTP_POOL_MAX_CONNECTIONS: int(5, 1, 50),
  SMTP_RATE_PER_SECOND: int(0, 0, 1000),
  NOTIFY_MAIL_FROM: z.string().min(3).default('活动办 <office@example.gov.cn>'),
  NOTIFY_MAIL_REPLY_TO: z.string().min(3).optional(),

  SMS_PROVIDER: z.enum(['none', 'aliyun', 'tencent', 'http']).default('none'),
  SMS_MAX_SEGMENTS: int(3, 1, 10),
  SMS_MAX_PARAM_CHARS: int(35, 6, 500),
  ALIYUN_SMS_ENDPOINT: url.default('https://dysmsapi.aliyuncs.com/'),
  ALIYUN_SMS_REGION: z.string().default('cn-hangzhou'),
  ALIYUN_SMS_ACCESS_KEY_ID: z.string().optional(),
  ALIYUN_SMS_ACCESS_KEY_SECRET: z.string().optional(),
  ALIYUN_SMS_SIGN_NAME: z.string().optional(),
  TENCENT_SMS_ENDPOINT: url.default('https://sms.tencentcloudapi.com/'),
  TENCENT_SMS_REGION: z.string().default('ap-guangzhou'),
  TENCENT_SMS_SECRET_ID: z.string().optional(),
  TENCENT_SMS_SECRET_KEY: z.string().optional(),
  TENCENT_SMS_SDK_APP_ID: z.string().optional(),
  TENCENT_SMS_SIGN_NAME: z.string().optional(),
  SMS_HTTP_URL: url.optional(),
  SMS_HTTP_TOKEN: z.string().optional(),
  /** Set only if the gateway ignores a repeated Idempotency-Key: lets a crashed attempt's SMS be resent safely. */
  SMS_HTTP_DEDUPLICATES: bool(false),

  /** JSON object: DingTalk access_token → 加签 secret (SEC…), for robots with 加签 enabled. */
  DINGTALK_ROBOT_SECRETS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return {};
      try {
        return z.record(z.string(), z.string()).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: '应为 JSON 对象，如 {"access_token":"SEC..."}' });
        return z.NEVER;
      }
    }),
  /** Per robot across all workers (shared window in the delivery log's database), not per worker. */
  ROBOT_RATE_LIMIT: int(20, 1, 1000),
  ROBOT_RATE_WINDOW_SECONDS: int(61, 1, 3600),
  ROBOT_BATCH_LINGER_MS: int(1500, 0, 60_000),
  ROBOT_MAX_MESSAGE_BYTES: int(4000, 500, 20_000),
});

export type NotifyConfig = z.output<typeof EnvSchema>;

/** Rules across variables; run on the raw strings so they report even when a value is malformed. */
function crossChecks(env: Record<string, string | undefined>): string[] {
  const issues: string[] = [];
  const need = (when: boolean, keys: string[], why: string) => {
    if (when) for (const k of keys) if (!env[k]) issues.push(`${k}：${why}时必须设置`);
  };
  const provider = env.SMS_PROVIDER;
  need(
    provider === 'aliyun',
    ['ALIYUN_SMS_ACCESS_KEY_ID', 'ALIYUN_SMS_ACCESS_KEY_SECRET', 'ALIYUN_SMS_SIGN_NAME'],
    'SMS_PROVIDER=aliyun',
  );
  need(
    provider === 'tencent',
    ['TENCENT_SMS_SECRET_ID', 'TENCENT_SMS_SECRET_KEY', 'TENCENT_SMS_SDK_APP_ID', 'TENCENT_SMS_SIGN_NAME'],
    'SMS_PROVIDER=tencent',
  );
  need(provider === 'http', ['SMS_HTTP_URL'], 'SMS_PROVIDER=http');
  need(Boolean(env.SMTP_USER), ['SMTP_PASS'], '设置了 SMTP_USER');
  const start = env.NOTIFY_OFFICE_HOURS_START ?? '08:30';
  const end = env.NOTIFY_OFFICE_HOURS_END ?? '18:00';
  if (/^\d\d:\d\d$/.test(start) && /^\d\d:\d\d$/.test(end) && start >= end)
    issues.push('NOTIFY_OFFICE_HOURS_END：必须晚于 NOTIFY_OFFICE_HOURS_START');
  return issues;
}

export class NotifyConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`通知配置有误：\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'NotifyConfigError';
  }
}

export function loadNotifyConfig(env: NodeJS.ProcessEnv = process.env): NotifyConfig {
  // Empty strings in .env files mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  const issues = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join('.') || '(环境变量)'}：${i.message}`)),
    ...crossChecks(cleaned),
  ];
  if (issues.length > 0 || !parsed.success) throw new NotifyConfigError(issues);
  return parsed.data;
}

const SECRET_KEYS = new Set<keyof NotifyConfig>([
  'SMTP_PASS',
  'ALIYUN_SMS_ACCESS_KEY_SECRET',
  'TENCENT_SMS_SECRET_KEY',
  'SMS_HTTP_TOKEN',
  'DINGTALK_ROBOT_SECRETS',
]);

/** What a worker may print at start-up: secrets replaced, the database password masked. */
export function redactNotifyConfig(config: NotifyConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config) as [keyof NotifyConfig, unknown][]) {
    if (SECRET_KEYS.has(key)) {
      out[key] =
        key === 'DINGTALK_ROBOT_SECRETS'
          ? `<${Object.keys(value as object).length} 个已设置>`
          : value
            ? '***'
            : undefined;
    } else if (key === 'DATABASE_URL' && typeof value === 'string') {
      out[key] = value.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
    } else out[key] = value;
  }
  return out;
}

/** Robot webhook URLs carry their token in the query string; logs show the host and path only. */
export function redactUrl(text: string): string {
  return text.replace(/([?&](access_token|key|sign|token)=)[^&\s]+/gi, '$1***');
}
