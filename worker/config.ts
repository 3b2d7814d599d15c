import { z } from 'zod';

/**
 * The worker's own settings (where Temporal is). Notification settings (SMTP, SMS, robots, delivery
 * log) are validated separately by activities/notify/config.ts; see .env.example.
 */
const schema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  CAMPAIGN_TASK_QUEUE: z.string().min(1).default('campaign'),
  CAMPAIGN_PLANS_DIR: z.string().min(1).optional(),
});

export type WorkerConfig = z.infer<typeof schema>;

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`环境变量配置有误：\n${lines.join('\n')}`);
  }
  return parsed.data;
}
