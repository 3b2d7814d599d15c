/**
 * Production worker: `npm run bundle` once, then `npm run worker`. Configuration comes from the
 * environment (see .env.example) and is checked before anything connects. Runs until SIGINT or
 * SIGTERM (the SDK drains in-flight tasks), and closes every connection in every case.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadNotifyConfig, notificationDepsFromConfig } from '../activities/notify/index.js';
import { createSmtpTransport, smtpOptionsFromConfig } from '../activities/notify/mailer.js';
import { openStatusStore } from '../activities/status/from-config.js';
import { createCampaignWorker } from './create-worker.js';
import { workflowBundlePath } from './bundle.js';
import { loadWorkerConfig } from './config.js';

const config = loadWorkerConfig();
const notifyConfig = loadNotifyConfig();
if (!notifyConfig.SMTP_HOST) throw new Error('环境变量配置有误：\n  SMTP_HOST: 工作者需要发信服务器（见 .env.example）');

const log = {
  info: (message: string, meta?: unknown) => console.log(message, meta ?? ''),
  warn: (message: string, meta?: unknown) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
};
const notify = await notificationDepsFromConfig(notifyConfig, { log });
// The status read model lives beside the delivery log (same DATABASE_URL or SQLite file).
const status = await openStatusStore(notifyConfig);
// The digests attach the Excel report, which the notification path does not carry: they get a transport of their own
// (and share the notifications' delivery log).
const transport = createSmtpTransport(smtpOptionsFromConfig(notifyConfig));
const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
try {
  const worker = await createCampaignWorker({
    connection: nativeConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.CAMPAIGN_TASK_QUEUE,
    deps: {
      transport,
      from: notifyConfig.NOTIFY_MAIL_FROM,
      replyTo: notifyConfig.NOTIFY_MAIL_REPLY_TO,
      notify: notify.deps,
      status,
      ...(config.CAMPAIGN_PLANS_DIR ? { plansDir: path.resolve(config.CAMPAIGN_PLANS_DIR) } : {}),
      digest: {
        temporalClient: new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE }),
        status,
        transport,
        from: notifyConfig.NOTIFY_MAIL_FROM,
        officeName: notifyConfig.NOTIFY_OFFICE_NAME,
        deliveryLog: notify.deps.deliveryLog,
        claimLeaseMs: notify.deps.settings.claimLeaseMs,
        log,
      },
    },
    workflowBundle: existsSync(workflowBundlePath) ? { codePath: workflowBundlePath } : undefined,
  });
  console.log(`工作者已启动：${config.TEMPORAL_ADDRESS}，任务队列 ${config.CAMPAIGN_TASK_QUEUE}`);
  await worker.run();
} finally {
  await Promise.allSettled([nativeConnection.close(), clientConnection.close(), notify.close(), status.close()]);
  transport.close();
}
