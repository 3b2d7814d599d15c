/**
 * A small live campaign for the interface tests: the shared dev server, a loopback mailbox, a
 * worker on its own task queue running the project's workflow bundle (real unit workflow, plans
 * read from the fixtures folder) and activity set with the digest activities.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities/index.js';
import { chineseDaysCalendar } from '../../../activities/notify/chinese-days-calendar.js';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';
import type { StatusStore } from '../../../activities/status/status-store.js';
import { loadTemplates } from '../../../activities/notify/templates.js';
import { daysAheadClock } from '../../support/days-ahead.js';
import { connectToDevServer } from '../../support/dev-server-connection.js';
import { startMailbox, type Mailbox, loopbackMailer } from '../../support/mailbox.js';
import { uniqueName } from '../../support/unique.js';
import { bundlerOptions, workflowsPath } from '../../../worker/create-worker.js';

export const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
export const PLAN = path.join(FIXTURES, 'ifc_test.yaml');
export const UNITS = path.join(FIXTURES, 'units.csv');
export const GROUPS = path.join(FIXTURES, 'groups.csv');
const TEMPLATES = path.resolve(import.meta.dirname, '../../../templates/notify');

export const OFFICE_NAME = '区学习实践活动办公室';
export const OFFICE_EMAIL = 'office@xuexi.example.gov.cn';

export interface Harness {
  client: Client;
  taskQueue: string;
  mailbox: Mailbox;
  tmp: string;
  /** The read model the workflows publish to, in the delivery log's file as the worker keeps it. */
  status: StatusStore;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const conn = await connectToDevServer();
  const mailbox = await startMailbox({ port: 0 });
  const tmp = await mkdtemp(path.join(tmpdir(), 'ifc-'));
  const taskQueue = uniqueName('ifc');
  const mailer = loopbackMailer(mailbox.port, { rejectUnauthorized: false });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: mailbox.port,
    secure: false,
    ignoreTLS: true,
  });
  const notify = {
    templates: loadTemplates(TEMPLATES),
    deliveryLog: openSqliteDeliveryLog(path.join(tmp, 'delivery.sqlite')),
    calendar: chineseDaysCalendar,
    mailer,
    clock: daysAheadClock(),
    settings: {
      officeName: OFFICE_NAME,
      mailFrom: `${OFFICE_NAME} <${OFFICE_EMAIL}>`,
      officeHours: { start: '00:00', end: '23:59', zone: 'Asia/Shanghai' },
      quietChannels: [] as const,
      claimLeaseMs: 60_000,
    },
  };
  const status = openSqliteStatusStore(path.join(tmp, 'delivery.sqlite'));
  const worker = await Worker.create({
    connection: conn.nativeConnection,
    taskQueue,
    workflowsPath,
    bundlerOptions,
    // The project's own activity set, digests included, as the production worker builds it.
    activities: createActivities({
      notify: { ...notify, settings: { ...notify.settings, quietChannels: [] } },
      plansDir: FIXTURES,
      status,
      digest: {
        clock: notify.clock,
        temporalClient: conn.client,
        status,
        transport,
        from: notify.settings.mailFrom,
        officeName: OFFICE_NAME,
        deliveryLog: notify.deliveryLog,
        claimLeaseMs: notify.settings.claimLeaseMs,
      },
    }),
  });
  const running = worker.run();
  return {
    client: conn.client,
    taskQueue,
    mailbox,
    tmp,
    status,
    async close() {
      worker.shutdown();
      await running;
      await status.close();
      mailer.close();
      transport.close();
      await mailbox.close();
      await conn.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
