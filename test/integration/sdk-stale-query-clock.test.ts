/**
 * A documented SDK behaviour (@temporalio/* 1.24), reproduced outside the project's code, and the
 * unit workflow's immunity to it (docs/workflow.md, "Time after a restart").
 *
 * A timer fires while no worker runs; a Query reaches a freshly started worker before it picks up
 * the workflow task that the timer scheduled. The SDK applies the new events as a live activation
 * whose clock still reads the previous task's time, and sends what the workflow decided there as
 * the real task's result. A workflow that asks `Date.now()` "has the deadline come?" re-arms the
 * timer that just fired; replay, with the real time, acts instead, so the history no longer
 * replays. The unit workflow decides by its logical clock (a fired timer's own deadline), which
 * replay reads the same way.
 *
 * Measured here (2 cores, dev server v1.5.1): 2–5 of 6 naive workflows diverge per trial; with the
 * unit workflow's logical clock switched off, 1–3 of 4 unit workflows diverged too; with it on, 0.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { chineseDaysCalendar } from '../../activities/notify/chinese-days-calendar.js';
import { openSqliteDeliveryLog } from '../../activities/notify/log/sqlite-delivery-log.js';
import { loadTemplates } from '../../activities/notify/templates.js';
import { planRefFor } from '../../activities/plan-store.js';
import { openSqliteStatusStore } from '../../activities/status/sqlite-status-store.js';
import { bundlerOptions } from '../../worker/create-worker.js';
import { unitWorkflowId } from '../../workflows/ids.js';
import { statusQuery, type UnitCampaignInput } from '../../workflows/unit-campaign/messages.js';
import { connectToDevServer } from '../support/dev-server-connection.js';
import { startMailbox, type Mailbox, loopbackMailer } from '../support/mailbox.js';
import { replayAll } from '../support/replay.js';
import { uniqueName } from '../support/unique.js';
import { naiveStatusQuery } from '../support/workflows/naive-deadline.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const TEMPLATES = fileURLToPath(new URL('../../templates/notify/', import.meta.url));
const PROBE_WORKFLOWS = fileURLToPath(new URL('../support/workflows/stale-query-probe.ts', import.meta.url));
/** The naive deadline and the probe plan's first reminder, after the start. */
const TIMER_MS = 4_000;
const NAIVE_PER_TRIAL = 6;
const UNITS_PER_TRIAL = 4;
const MAX_TRIALS = 3;
/** How long after the timers fired the fresh worker starts ("restarted within seconds"). */
const RESTART_AFTER_FIRE_MS = 1_500;

let dev: Awaited<ReturnType<typeof connectToDevServer>>;
let mailbox: Mailbox;
let tmp: string;
let bundle: WorkflowBundle;

beforeAll(async () => {
  [dev, mailbox, tmp] = await Promise.all([
    connectToDevServer(),
    startMailbox({ port: 0 }),
    mkdtemp(path.join(tmpdir(), 'stale-query-')),
  ]);
  bundle = await bundleWorkflowCode({
    workflowsPath: PROBE_WORKFLOWS,
    ...bundlerOptions,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
});
afterAll(async () => {
  await mailbox?.close();
  await dev?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function activities() {
  const mailer = loopbackMailer(mailbox.port, { maxConnections: 1, rejectUnauthorized: false });
  const deliveryLog = openSqliteDeliveryLog(path.join(tmp, 'notify.sqlite'));
  const status = openSqliteStatusStore(path.join(tmp, 'notify.sqlite'));
  const from = '区学习实践活动办公室 <office@xuexi.example.gov.cn>';
  return {
    activities: {
      ...createActivities({
        plansDir: FIXTURES,
        status,
        notify: {
          templates: loadTemplates(TEMPLATES),
          deliveryLog,
          calendar: chineseDaysCalendar,
          mailer,
          settings: {
            officeName: '区学习实践活动办公室',
            mailFrom: from,
            officeHours: { start: '00:00', end: '23:59', zone: 'Asia/Shanghai' },
            quietChannels: [],
            claimLeaseMs: 60_000,
          },
        },
      }),
      async noteDeadlineReached() {},
    },
    async close() {
      mailer.close();
      await deliveryLog.close();
      await status.close();
    },
  };
}

/** A worker that has never seen these workflows: an empty cache, as after a restart. */
async function freshWorker(taskQueue: string) {
  const deps = activities();
  const worker = await Worker.create({
    connection: dev.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: deps.activities,
    // After a stop the sticky task times out fast and the task goes to the shared queue.
    stickyQueueScheduleToStartTimeout: '1s',
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await deps.close();
    },
  };
}

function unitInput(
  campaignId: string,
  unitId: string,
  planRef: UnitCampaignInput['planRef'],
): UnitCampaignInput {
  const person = (id: string, name: string) => ({ id, name, email: `${id}@probe.example.cn` });
  return {
    campaignId,
    campaignTitle: '重启探测',
    planRef,
    unit: {
      id: unitId,
      name: `探测单位${unitId}`,
      type: 'town_office',
      flags: [],
      head: person(`${unitId}-head`, '李书记'),
      liaison: person(`${unitId}-liaison`, '王联络'),
      group: { id: 'G1', name: '第一指导组', members: [person('g1-zhang', '张组长')] },
    },
    office: { name: '区学习实践活动办公室', members: [person('office-wang', '王主任')] },
    start: new Date().toISOString(),
  };
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`等待超时：${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const hasCompletedTask = async (h: WorkflowHandle) =>
  ((await h.fetchHistory()).events ?? []).some((e) => e.workflowTaskCompletedEventAttributes);

interface Trial {
  naive: { diverged: number; rearmed: number; total: number };
  unit: { diverged: number; total: number; errors: string[] };
}

async function trial(): Promise<Trial> {
  const taskQueue = uniqueName('stale-query');
  const campaignId = uniqueName('probe');
  const planRef = await planRefFor(FIXTURES, 'restart_probe');
  const first = await freshWorker(taskQueue);
  const t0 = Date.now();
  const naive = await Promise.all(
    Array.from({ length: NAIVE_PER_TRIAL }, (_, i) =>
      dev.client.workflow.start('naiveDeadlineWorkflow', {
        taskQueue,
        workflowId: `${campaignId}-naive-${i}`,
        args: [t0 + TIMER_MS],
      }),
    ),
  );
  const units = await Promise.all(
    Array.from({ length: UNITS_PER_TRIAL }, (_, i) => {
      const input = unitInput(campaignId, `u${i}`, planRef);
      return dev.client.workflow.start('unitCampaignWorkflow', {
        taskQueue,
        workflowId: unitWorkflowId(campaignId, input.unit.id),
        args: [input],
      });
    }),
  );
  const all: WorkflowHandle[] = [...naive, ...units];
  try {
    await eventually(
      async () => (await Promise.all(all.map(hasCompletedTask))).every(Boolean),
      TIMER_MS - 1_000,
      'first workflow tasks',
    );
    // As the console does: every workflow's status is asked for about every 200 ms, whatever happens.
    let polling = true;
    const poll = async (ask: () => Promise<unknown>) => {
      while (polling) {
        await Promise.race([ask().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const pollers = [
      ...naive.map((h) => poll(() => h.query(naiveStatusQuery))),
      ...units.map((h) => poll(() => h.query(statusQuery))),
    ];
    // The worker stops; the timers fire while none runs, and their tasks wait.
    await first.stop();
    await new Promise((r) => setTimeout(r, t0 + TIMER_MS + RESTART_AFTER_FIRE_MS - Date.now()));
    const second = await freshWorker(taskQueue);
    try {
      await Promise.all(naive.map((h) => h.result()));
      // Past the unit's first escalation level, so its next tasks ran on the fresh worker too.
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + 2 * TIMER_MS + 1_000 - Date.now())));
    } finally {
      polling = false;
      await Promise.all(pollers);
      await second.stop();
    }
    const naiveReplay = await replayAll(
      dev.client,
      naive.map((h) => h.workflowId),
      bundle,
    );
    const unitReplay = await replayAll(
      dev.client,
      units.map((h) => h.workflowId),
      bundle,
    );
    let rearmed = 0;
    for (const h of naive) {
      // The stale activation's mark: the timer that had just fired is started again for the same time.
      const timers = ((await h.fetchHistory()).events ?? [])
        .filter((e) => e.timerStartedEventAttributes)
        .map((e) => String(e.timerStartedEventAttributes!.startToFireTimeout?.seconds ?? ''));
      if (timers.length > 1) rearmed += 1;
    }
    return {
      naive: { diverged: naiveReplay.failures.length, rearmed, total: naive.length },
      unit: {
        diverged: unitReplay.failures.length,
        total: units.length,
        errors: unitReplay.failures.map((f) => f.error),
      },
    };
  } finally {
    await Promise.allSettled(units.map((h) => h.terminate('探测结束')));
  }
}

describe('SDK: a Query reaching a fresh worker after a timer fired while no worker ran', () => {
  it('makes a workflow that decides by Date.now() diverge on replay, and not the unit workflow', async () => {
    const trials: Trial[] = [];
    for (let i = 0; i < MAX_TRIALS; i++) {
      const t = await trial();
      trials.push(t);
      console.log(
        `trial ${i + 1}: naive ${t.naive.diverged}/${t.naive.total} diverged (${t.naive.rearmed} re-armed their timer), unit ${t.unit.diverged}/${t.unit.total} diverged`,
      );
      if (t.naive.diverged > 0) break;
    }
    // The behaviour is real: the naive workflow diverged, and exactly where it re-armed its timer.
    expect(trials.some((t) => t.naive.diverged > 0)).toBe(true);
    for (const t of trials) expect(t.naive.rearmed).toBe(t.naive.diverged);
    // The unit workflow met the same windows and replays.
    for (const t of trials) expect(t.unit.errors).toEqual([]);
  }, 180_000);
});
