/**
 * Everything above Temporal, on loopback, as the demo and the browser tests both run it: the worker
 * (real unit workflow, real notification activities sending to an SMTP port), the HTTP API with a
 * token store, and the console served beside the API.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { chineseDaysCalendar } from '../../activities/notify/chinese-days-calendar.js';
import {
  DEFAULT_BUNDLE_WINDOW_MS,
  DEFAULT_ESCALATION_REPEATS_PER_WEEK,
} from '../../activities/notify/config.js';
import { openSqliteDeliveryLog } from '../../activities/notify/log/sqlite-delivery-log.js';
import { openSqliteStatusStore } from '../../activities/status/sqlite-status-store.js';
import type { CampaignServices } from '../../app/services.js';
import { createSmtpMailer } from '../../activities/notify/mailer.js';
import { loadTemplates } from '../../activities/notify/templates.js';
import { repoRoot } from '../../toolchain/paths.js';
import { createApiServer } from '../api/server.js';
import { FileTokenStore } from '../api/token-store-file.js';
import { type TokenStoreFile } from '../api/tokens.js';
import { localUploadStore } from '../api/uploads.js';
import { bundlerOptions, workflowsPath } from '../../worker/create-worker.js';
import { startConsoleServer, type DemoLoginEntry } from './console-server.js';

export interface StackOptions {
  temporalAddress: string;
  namespace?: string;
  taskQueue: string;
  /** Folder of `<planId>.yaml` files the worker reads plans from. */
  plansDir: string;
  /** Delivery log, uploads, campaign archives. */
  dataDir: string;
  smtpPort: number;
  officeName: string;
  officeEmail: string;
  tokens: TokenStoreFile;
  demoLogins?: DemoLoginEntry[];
  consolePort?: number;
  /** Requests per minute per token; the console polls, and the board reads each shown unit. */
  rateLimitPerMinute?: number;
}

export interface Stack extends CampaignServices {
  client: Client;
  consoleUrl: string;
  close(): Promise<void>;
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const closers: (() => Promise<unknown> | void)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => {});
  };
  try {
    await mkdir(o.dataDir, { recursive: true });
    const [connection, nativeConnection] = await Promise.all([
      Connection.connect({ address: o.temporalAddress }),
      NativeConnection.connect({ address: o.temporalAddress }),
    ]);
    closers.push(
      () => connection.close(),
      () => nativeConnection.close(),
    );
    const client = new Client({ connection, namespace: o.namespace ?? 'default' });

    const mailFrom = `${o.officeName} <${o.officeEmail}>`;
    const mailer = createSmtpMailer({
      host: '127.0.0.1',
      port: o.smtpPort,
      secure: false,
      requireTLS: false,
      rejectUnauthorized: false,
      maxConnections: 2,
      ratePerSecond: 0,
    });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: o.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    const deliveryLog = openSqliteDeliveryLog(path.join(o.dataDir, 'delivery.sqlite'));
    const status = openSqliteStatusStore(path.join(o.dataDir, 'delivery.sqlite'));
    closers.push(
      () => mailer.close(),
      () => transport.close(),
      () => deliveryLog.close(),
      () => status.close(),
    );
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: o.namespace ?? 'default',
      taskQueue: o.taskQueue,
      workflowsPath,
      bundlerOptions,
      activities: createActivities({
        plansDir: o.plansDir,
        status,
        notify: {
          templates: loadTemplates(path.join(repoRoot, 'templates', 'notify')),
          deliveryLog,
          calendar: chineseDaysCalendar,
          mailer,
          // Loopback demo: every hour is office hours, nothing waits for the morning.
          settings: {
            officeName: o.officeName,
            mailFrom,
            officeHours: { start: '00:00', end: '23:59', zone: 'Asia/Shanghai' },
            quietChannels: [],
            claimLeaseMs: 60_000,
            bundleWindowMs: DEFAULT_BUNDLE_WINDOW_MS,
            escalationRepeatsPerWeek: DEFAULT_ESCALATION_REPEATS_PER_WEEK,
          },
        },
        digest: {
          temporalClient: client,
          status,
          transport,
          from: mailFrom,
          officeName: o.officeName,
          deliveryLog,
          claimLeaseMs: 60_000,
        },
      }),
    });
    const running = worker.run();
    closers.push(async () => {
      worker.shutdown();
      await running;
    });

    const api = await createApiServer({
      temporalClient: client,
      statusStore: status,
      store: new FileTokenStore(o.tokens),
      uploads: localUploadStore(path.join(o.dataDir, 'uploads')),
      archiveDir: path.join(o.dataDir, 'archive'),
      rateLimitPerMinute: o.rateLimitPerMinute ?? 3000,
      // Campaigns launched from the console: plans land where this worker reads them.
      plansDir: o.plansDir,
      taskQueue: o.taskQueue,
      office: { name: o.officeName, members: [{ id: 'office', name: o.officeName, email: o.officeEmail }] },
      // The progress curve continues across restarts of npm start.
      progress: { dir: path.join(o.dataDir, 'progress') },
      // The worker's own log: the office's 通知异常 list.
      deliveryLog,
    });
    closers.push(() => api.close());
    const web = await startConsoleServer({
      api,
      ...(o.consolePort !== undefined ? { port: o.consolePort } : {}),
      ...(o.demoLogins ? { demoLogins: o.demoLogins } : {}),
    });
    closers.push(() => web.close());
    return { client, status, consoleUrl: web.url, close };
  } catch (e) {
    await close();
    throw e;
  }
}
