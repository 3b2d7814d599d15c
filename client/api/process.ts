/**
 * One API replica, built from configuration: the entrypoint the image and `npm run stack` run
 * (client/api/main.ts) and `campaign api` both come through here.
 *
 * With DATABASE_URL the replica keeps no state of its own: tokens, the campaign directory,
 * progress samples and upload records are in PostgreSQL (migrated on start), so any number of
 * replicas behind a load balancer answer alike. Without it the embedded default: a token file,
 * progress and upload records in local files. Temporal is connected lazily, so a replica starts
 * (and says on /readyz what it waits for) before Temporal is up.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type pg from 'pg';
import { PostgresProgressHistory } from '../../app/progress-history-postgres.js';
import { ProgressHistory, type ProgressStore } from '../../app/progress-history.js';
import { openConfiguredStatusStore } from '../../app/status/open.js';
import { ConfigError } from '../../config/environment.js';
import { configuredEnvironment, loadConfig } from '../../config/settings.js';
import { openPool, redactUrl } from '../../db/pool.js';
import { startConsoleServer } from '../demo/console-server.js';
import { webDist } from '../demo/build-web.js';
import { openConfiguredDeliveryLog } from './delivery-log-config.js';
import { databaseCheck, type ReadinessCheck } from './ops-routes.js';
import { createApiServer } from './server.js';
import { migrateApiState } from './state-migrations.js';
import { FileTokenStore } from './token-store-file.js';
import { PostgresTokenStore } from './token-store-postgres.js';
import type { TokenStore } from './tokens.js';
import { FileUploadRecords, type UploadRecords } from './upload-records.js';
import { PostgresUploadRecords } from './upload-records-postgres.js';
import { describeUploadStore, openUploadStore, uploadStoreConfig } from './uploads-config.js';
import { openConfiguredCalendarStore } from '../../app/calendar/open.js';

/** Command-line flags of `campaign api`, over the environment. */
export interface ApiOverrides {
  tokensFile?: string;
  host?: string;
  port?: number;
  uploadsDir?: string;
  maxUploadMb?: number;
}

export interface ApiProcess {
  url: string;
  /** Finishes requests in flight (at most the grace period), then closes every connection. */
  close(): Promise<void>;
}

async function startApiProcess(
  overrides: ApiOverrides = {},
  print: (line: string) => void = console.log,
): Promise<ApiProcess> {
  const env = configuredEnvironment();
  const { temporal, database, api } = loadConfig(['temporal', 'database', 'api']);
  const host = overrides.host ?? api.API_HOST;
  const port = overrides.port ?? api.API_PORT;
  const uploadConfig = uploadStoreConfig(env, overrides.uploadsDir ?? api.CAMPAIGN_UPLOADS_DIR);
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse())
      await c().catch((e: unknown) => print(`停止时出错：${(e as Error).message}`));
  };
  try {
    let store: TokenStore;
    let progress: ProgressStore;
    let uploadRecords: UploadRecords;
    const readiness: ReadinessCheck[] = [];
    let pool: pg.Pool | undefined;
    if (database.DATABASE_URL) {
      if (!api.CAMPAIGN_ID)
        throw new ConfigError([
          'CAMPAIGN_ID：令牌存放在数据库中（设置了 DATABASE_URL）时，须指明本 API 服务的活动编号',
        ]);
      pool = openPool(database.DATABASE_URL, { max: database.DATABASE_POOL_MAX });
      const db = pool;
      closers.push(() => db.end());
      await migrateApiState(db);
      store = await PostgresTokenStore.open(db, api.CAMPAIGN_ID);
      progress = new PostgresProgressHistory(db);
      uploadRecords = new PostgresUploadRecords(db);
      readiness.push(databaseCheck(db));
    } else {
      const file = overrides.tokensFile ?? api.CAMPAIGN_TOKENS_FILE;
      if (!file)
        throw new ConfigError([
          'CAMPAIGN_TOKENS_FILE：未设置 DATABASE_URL 时，须指明令牌文件（campaign tokens issue --store 生成），或用 campaign api --tokens',
        ]);
      store = await FileTokenStore.load(file);
      progress = new ProgressHistory({ dir: api.CAMPAIGN_PROGRESS_DIR });
      uploadRecords = new FileUploadRecords(api.CAMPAIGN_UPLOAD_RECORDS_FILE);
    }
    closers.push(
      () => store.close(),
      () => progress.close(),
      () => uploadRecords.close(),
    );

    const connection = Connection.lazy({ address: temporal.TEMPORAL_ADDRESS });
    closers.push(() => connection.close());
    // The worker's delivery log, for the office's 通知异常 list; without it that one route answers 503.
    const delivery = await openConfiguredDeliveryLog(env);
    if (delivery.ok) closers.push(() => delivery.log.close());
    // The units' status read model the workers publish to; the API may start before any worker ran.
    const status = await openConfiguredStatusStore(env, { createIfMissing: true });
    if (!status.ok) throw new ConfigError([status.problem]);
    closers.push(() => status.store.close());

    // The holiday years the office loads, beside the delivery log and the read model.
    const calendar = await openConfiguredCalendarStore(env);
    closers.push(() => calendar.close());

    const app = await createApiServer({
      temporalClient: new Client({ connection, namespace: temporal.TEMPORAL_NAMESPACE }),
      statusStore: status.store,
      calendarStore: calendar,
      store,
      uploads: openUploadStore(uploadConfig),
      uploadRecords,
      maxUploadBytes: (overrides.maxUploadMb ?? api.API_MAX_UPLOAD_MB) * 1024 * 1024,
      rateLimitPerMinute: api.API_RATE_LIMIT_PER_MINUTE,
      taskQueue: temporal.CAMPAIGN_TASK_QUEUE,
      ...(api.CAMPAIGN_PLANS_DIR ? { plansDir: path.resolve(api.CAMPAIGN_PLANS_DIR) } : {}),
      progress: { store: progress },
      // A unit's archive is built and kept within a minute of its completion.
      archiveAtCompletionMs: 60_000,
      readiness,
      logger: true,
      ...(delivery.ok ? { deliveryLog: delivery.log } : {}),
    });
    closers.push(() => app.close());
    let url = `http://${host}:${port}`;
    const withConsole = api.API_SERVE_CONSOLE && existsSync(path.join(webDist, 'index.html'));
    if (withConsole) {
      const web = await startConsoleServer({ api: app, host, port });
      url = `http://${host}:${web.port}`;
      closers.push(() => web.close());
    } else {
      await app.listen({ host, port });
    }
    print(`API 已启动：${url}（文档 /openapi.json；上传文件存放于${describeUploadStore(uploadConfig)}）`);
    print(
      `活动「${store.campaignId}」的令牌：${pool && database.DATABASE_URL ? `PostgreSQL（${redactUrl(database.DATABASE_URL)}）` : (overrides.tokensFile ?? api.CAMPAIGN_TOKENS_FILE)}${withConsole ? '；网页控制台与 API 同一端口' : ''}`,
    );
    print(
      delivery.ok
        ? `通知异常读取投递记录：${delivery.where}`
        : `未接入通知投递记录，通知异常列表不可用：${delivery.problem}`,
    );
    const grace = api.API_SHUTDOWN_GRACE_SECONDS * 1000;
    return {
      url,
      close: async () => {
        const timer = setTimeout(() => {
          print(`停止超时（${grace / 1000} 秒），仍有请求未完成，直接退出`);
          process.exit(1);
        }, grace);
        timer.unref();
        try {
          await closeAll();
        } finally {
          clearTimeout(timer);
        }
      },
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

/** Runs a replica until SIGTERM or SIGINT, then drains and leaves with status 0 (1 if stopping failed). */
export async function runApiProcess(overrides: ApiOverrides = {}): Promise<void> {
  let p: ApiProcess;
  try {
    p = await startApiProcess(overrides);
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
    return;
  }
  const stop = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    p.close().then(
      () => console.log('API 已停止'),
      (e: unknown) => {
        console.error(`停止 API 时出错：${(e as Error).message}`);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
