/**
 * Production worker: `npm run bundle` once, then `node --import tsx worker/main.ts` (what the image
 * and `npm run stack` run; `npm run worker` does the same through npm). Configuration comes from
 * the environment and `.env` (config/), checked before anything connects.
 *
 * SIGTERM or SIGINT drains: the worker stops polling, activities in flight get
 * WORKER_SHUTDOWN_GRACE_SECONDS to finish, /readyz answers 503 meanwhile, and every connection is
 * closed in every case. /healthz, /readyz and /metrics are on WORKER_HTTP_HOST:WORKER_HTTP_PORT.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadNotifyConfig, notificationDepsFromConfig } from '../activities/notify/index.js';
import { createSmtpTransport, smtpOptionsFromConfig } from '../activities/notify/mailer.js';
import { openStatusStore } from '../activities/status/from-config.js';
import { startHealthMonitor } from '../app/health/monitor.js';
import { healthSettingsFromEnv, type HealthSettings } from '../app/health/settings.js';
import { ConfigError } from '../config/environment.js';
import { configuredEnvironment, loadConfig } from '../config/settings.js';
import { freePort } from '../toolchain/ports.js';
import { workflowBundlePath } from './bundle.js';
import { createCampaignWorker } from './create-worker.js';
import { startWorkerHttp } from './http.js';
import { countDeliveries } from './metrics/delivery-metrics.js';
import { firstTaskSinks, metricsInterceptorModule } from './metrics/first-task.js';

let config;
let notifyConfig;
let healthSettings: HealthSettings;
try {
  config = loadConfig(['temporal', 'worker']);
  notifyConfig = loadNotifyConfig(configuredEnvironment());
  healthSettings = healthSettingsFromEnv(configuredEnvironment());
  if (!notifyConfig.SMTP_HOST) throw new ConfigError(['SMTP_HOST：工作者需要发信服务器（见 .env.example）']);
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
const { temporal, worker: w } = config;

// The SDK's runtime metrics go to a loopback-only Prometheus endpoint; /metrics below passes it on,
// with this project's own metrics recorded through the same meter.
const coreMetricsPort = await freePort();
Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: {
    metrics: {
      prometheus: {
        bindAddress: `127.0.0.1:${coreMetricsPort}`,
        countersTotalSuffix: true,
        useSecondsForDurations: true,
      },
    },
  },
});
const meter = Runtime.instance().metricMeter;

const log = {
  info: (message: string, meta?: unknown) => console.log(message, meta ?? ''),
  warn: (message: string, meta?: unknown) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
};
const notify = await notificationDepsFromConfig(notifyConfig, { log });
// The status read model lives beside the delivery log (same DATABASE_URL or SQLite file).
const status = await openStatusStore(notifyConfig);
const deliveryLog = countDeliveries(notify.deps.deliveryLog, meter);
// The digests attach the Excel report, which the notification path does not carry: they get a transport of their own
// (and share the notifications' delivery log).
const transport = createSmtpTransport(smtpOptionsFromConfig(notifyConfig));
let nativeConnection: NativeConnection | undefined;
let clientConnection: Connection | undefined;
let http: Awaited<ReturnType<typeof startWorkerHttp>> | undefined;
try {
  nativeConnection = await NativeConnection.connect({ address: temporal.TEMPORAL_ADDRESS });
  clientConnection = await Connection.connect({ address: temporal.TEMPORAL_ADDRESS });
  const temporalClient = new Client({ connection: clientConnection, namespace: temporal.TEMPORAL_NAMESPACE });
  const bundle =
    w.WORKER_WORKFLOW_BUNDLE ?? (existsSync(workflowBundlePath) ? workflowBundlePath : undefined);
  const worker = await createCampaignWorker({
    connection: nativeConnection,
    namespace: temporal.TEMPORAL_NAMESPACE,
    taskQueue: temporal.CAMPAIGN_TASK_QUEUE,
    deps: {
      notify: { ...notify.deps, deliveryLog },
      status,
      ...(w.CAMPAIGN_PLANS_DIR ? { plansDir: path.resolve(w.CAMPAIGN_PLANS_DIR) } : {}),
      digest: {
        temporalClient,
        status,
        transport,
        from: notifyConfig.NOTIFY_MAIL_FROM,
        officeName: notifyConfig.NOTIFY_OFFICE_NAME,
        deliveryLog,
        claimLeaseMs: notify.deps.settings.claimLeaseMs,
        log,
      },
    },
    workflowBundle: bundle ? { codePath: path.resolve(bundle) } : undefined,
    extra: {
      shutdownGraceTime: `${w.WORKER_SHUTDOWN_GRACE_SECONDS} seconds`,
      sinks: firstTaskSinks(meter),
      // A prebundle carries the interceptor already (worker/bundle.ts).
      ...(bundle ? {} : { interceptors: { workflowModules: [metricsInterceptorModule] } }),
    },
  });
  http = await startWorkerHttp({
    host: w.WORKER_HTTP_HOST,
    port: w.WORKER_HTTP_PORT,
    state: () => worker.getState(),
    coreMetricsUrl: `http://127.0.0.1:${coreMetricsPort}/metrics`,
  });
  console.log(
    `工作者已启动：${temporal.TEMPORAL_ADDRESS}，任务队列 ${temporal.CAMPAIGN_TASK_QUEUE}，${bundle ? `预打包工作流代码 ${bundle}` : '从源码打包工作流代码'}；健康检查与指标 ${http.url}`,
  );
  // Stuck units (流程异常): scanned every CAMPAIGN_HEALTH_SCAN_SECONDS, counted as campaign_stuck_units on /metrics.
  const health = startHealthMonitor({
    svc: { client: temporalClient, status },
    settings: healthSettings,
    meter,
    log,
  });
  try {
    await worker.run();
  } finally {
    await health.stop();
  }
  console.log('工作者已停止（进行中的任务已处理完）');
} finally {
  await http?.close();
  await Promise.allSettled([
    nativeConnection?.close(),
    clientConnection?.close(),
    notify.close(),
    status.close(),
  ]);
  transport.close();
}
