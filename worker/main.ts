/**
 * Production worker: `npm run bundle` once, then `npm run worker`. Connects, runs until SIGINT or
 * SIGTERM (the SDK drains in-flight tasks), and closes the connection in every case.
 */
import { existsSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { NativeConnection } from '@temporalio/worker';
import { createCampaignWorker } from './create-worker.js';
import { workflowBundlePath } from './bundle.js';
import { loadWorkerConfig } from './config.js';

const config = loadWorkerConfig();
const transport = nodemailer.createTransport({
  host: config.SMTP_HOST,
  port: config.SMTP_PORT,
  secure: config.SMTP_SECURE,
  pool: true,
  auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD } : undefined,
});
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
try {
  const worker = await createCampaignWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.CAMPAIGN_TASK_QUEUE,
    deps: { transport, from: config.MAIL_FROM, replyTo: config.MAIL_REPLY_TO },
    workflowBundle: existsSync(workflowBundlePath) ? { codePath: workflowBundlePath } : undefined,
  });
  console.log(`工作者已启动：${config.TEMPORAL_ADDRESS}，任务队列 ${config.CAMPAIGN_TASK_QUEUE}`);
  await worker.run();
} finally {
  await connection.close();
  transport.close();
}
