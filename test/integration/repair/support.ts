/**
 * The pieces of the stuck-unit test: two workflow bundles (a test-only one that starts an extra
 * timer on a `testDiverge` signal, and the project's real code), one activity set on a SQLite file
 * that holds the delivery log and the read model, a loopback mailbox, and workers that come and go.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../../../activities/index.js';
import { chineseDaysCalendar } from '../../../activities/notify/chinese-days-calendar.js';
import type { DeliveryLog } from '../../../activities/notify/log/delivery-log.js';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { loadTemplates } from '../../../activities/notify/templates.js';
import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';
import type { StatusStore } from '../../../activities/status/status-store.js';
export { eventually } from '../cli/harness.js';
import { bundlerOptions, quietBundleLogger, workflowsPath } from '../../../worker/create-worker.js';
import { daysAheadClock } from '../../support/days-ahead.js';
import { startMailbox, type Mailbox, loopbackMailer } from '../../support/mailbox.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
export const PLAN = path.join(FIXTURES, 'repair_probe.yaml');
const CLI_FIXTURES = path.resolve(import.meta.dirname, '../cli/fixtures');
export const UNITS = path.join(CLI_FIXTURES, 'units.csv');
export const GROUPS = path.join(CLI_FIXTURES, 'groups.csv');
const DIVERGING = path.resolve(import.meta.dirname, '../../support/workflows/diverging-index.ts');
const TEMPLATES = path.resolve(import.meta.dirname, '../../../templates/notify');
const OFFICE_NAME = '区学习实践活动办公室';

export interface Rig {
  mailbox: Mailbox;
  /** The SQLite file of the delivery log and the read model (NOTIFY_SQLITE_PATH for the commands). */
  file: string;
  status: StatusStore;
  deliveryLog: DeliveryLog;
  diverging: WorkflowBundle;
  real: WorkflowBundle;
  /** Starts a worker on `taskQueue` running `bundle`; `stop()` shuts it down and waits. */
  worker(bundle: WorkflowBundle): Promise<{ stop(): Promise<void> }>;
  close(): Promise<void>;
}

export async function startRig(o: {
  connection: NativeConnection;
  client: Client;
  taskQueue: string;
}): Promise<Rig> {
  const [mailbox, tmp, diverging, real] = await Promise.all([
    startMailbox({ port: 0 }),
    mkdtemp(path.join(tmpdir(), 'repair-')),
    bundleWorkflowCode({ workflowsPath: DIVERGING, ...bundlerOptions, logger: quietBundleLogger }),
    bundleWorkflowCode({ workflowsPath, ...bundlerOptions, logger: quietBundleLogger }),
  ]);
  const file = path.join(tmp, 'notify.sqlite');
  const deliveryLog = openSqliteDeliveryLog(file);
  const status = openSqliteStatusStore(file);
  const mailer = loopbackMailer(mailbox.port, { rejectUnauthorized: false });
  const settings = {
    officeName: OFFICE_NAME,
    mailFrom: `${OFFICE_NAME} <office@xuexi.example.gov.cn>`,
    officeHours: { start: '00:00', end: '23:59', zone: 'Asia/Shanghai' },
    quietChannels: [],
    claimLeaseMs: 60_000,
  };
  const activities = createActivities({
    notify: {
      templates: loadTemplates(TEMPLATES),
      deliveryLog,
      calendar: chineseDaysCalendar,
      mailer,
      clock: daysAheadClock(),
      settings,
    },
    plansDir: FIXTURES,
    status,
  });
  return {
    mailbox,
    file,
    status,
    deliveryLog,
    diverging,
    real,
    async worker(bundle) {
      const w = await Worker.create({
        connection: o.connection,
        taskQueue: o.taskQueue,
        workflowBundle: bundle,
        activities,
      });
      const running = w.run();
      return {
        async stop() {
          w.shutdown();
          await running;
        },
      };
    },
    async close() {
      await status.close();
      await deliveryLog.close();
      mailer.close();
      await mailbox.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
