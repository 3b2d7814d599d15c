/**
 * How the health scan decides and how often it runs, from the environment (the worker, the API
 * and the CLI read the same variables, so they agree on what "stuck" means).
 */
import { z } from 'zod';

export interface HealthSettings {
  /** A unit is stuck once its workflow task has failed more than this many times (CAMPAIGN_STUCK_AFTER_FAILURES, default 3). */
  stuckAfterFailures: number;
  /** The worker scans every active campaign this often; 0: it does not scan (CAMPAIGN_HEALTH_SCAN_SECONDS, default 30). */
  scanEveryMs: number;
  /** A unit is looked at once it is this far past its own wake-up (CAMPAIGN_HEALTH_GRACE_SECONDS, default 60). */
  graceMs: number;
  /** A unit found late but not failing is looked at again after this long. */
  lateRecheckMs: number;
  /** Most units described per campaign and scan (the rest wait for the next scan, oldest check first). */
  maxChecks: number;
  /** Describe calls in flight at once. */
  concurrency: number;
}

const int = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name}：应为 ${min} 到 ${max} 的整数（收到「${v}」）` });
        return z.NEVER;
      }
      return n;
    });

const schema = z.object({
  CAMPAIGN_STUCK_AFTER_FAILURES: int('CAMPAIGN_STUCK_AFTER_FAILURES', 1, 1000, 3),
  CAMPAIGN_HEALTH_SCAN_SECONDS: int('CAMPAIGN_HEALTH_SCAN_SECONDS', 0, 3600, 30),
  CAMPAIGN_HEALTH_GRACE_SECONDS: int('CAMPAIGN_HEALTH_GRACE_SECONDS', 0, 86_400, 60),
});

class HealthSettingsError extends Error {}

export function healthSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): HealthSettings {
  const r = schema.safeParse({
    CAMPAIGN_STUCK_AFTER_FAILURES: env.CAMPAIGN_STUCK_AFTER_FAILURES,
    CAMPAIGN_HEALTH_SCAN_SECONDS: env.CAMPAIGN_HEALTH_SCAN_SECONDS,
    CAMPAIGN_HEALTH_GRACE_SECONDS: env.CAMPAIGN_HEALTH_GRACE_SECONDS,
  });
  if (!r.success)
    throw new HealthSettingsError(
      `环境变量配置有误：\n${r.error.issues.map((i) => `  ${i.message}`).join('\n')}`,
    );
  return {
    stuckAfterFailures: r.data.CAMPAIGN_STUCK_AFTER_FAILURES,
    scanEveryMs: r.data.CAMPAIGN_HEALTH_SCAN_SECONDS * 1000,
    graceMs: r.data.CAMPAIGN_HEALTH_GRACE_SECONDS * 1000,
    lateRecheckMs: 5 * 60_000,
    maxChecks: 200,
    concurrency: 8,
  };
}

/**
 * Readers (API, CLI) scan on demand only when no worker has for a while: a little longer than the
 * worker's own interval, so a live worker always gets there first and a request never pays for it.
 */
export function onDemandMaxAgeMs(s: HealthSettings): number {
  return (s.scanEveryMs > 0 ? s.scanEveryMs : 30_000) + 15_000;
}
