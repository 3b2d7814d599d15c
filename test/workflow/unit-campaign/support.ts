/**
 * Shared set-up for the unit campaign workflow tests: a time-skipping server, a loopback mailbox,
 * a worker whose notifications go through the real notification activity (SQLite delivery log in
 * a temp dir, SMTP to the mailbox), and plans rewritten to start "now" on the test server's clock.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { customSearchAttributes } from '../../../workflows/search-attributes.js';
import type { Worker } from '@temporalio/worker';
import type { ParsedMail } from 'mailparser';
import { Context } from '@temporalio/activity';
import type { SmsSender } from '../../../activities/notify/sms/sms-sender.js';
import { defaultPlansDir } from '../../../activities/index.js';
import { chineseDaysCalendar } from '../../../activities/notify/chinese-days-calendar.js';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';
import type { StatusStore } from '../../../activities/status/status-store.js';
import { loadTemplates } from '../../../activities/notify/templates.js';
import { planRefFor } from '../../../activities/plan-store.js';
import { daysBetween, localDateOf } from '../../../domain/calendar/index.js';
import { loadPlanText } from '../../../domain/plan/load.js';
import type { Plan } from '../../../domain/plan/schema.js';
import { buildSchedule, calendarForPlan, type Schedule } from '../../../domain/schedule/index.js';
import { createCampaignWorker } from '../../../worker/create-worker.js';
import type { UnitCampaignInput } from '../../../workflows/unit-campaign/messages.js';
import { startMailbox, type Mailbox, loopbackMailer } from '../../support/mailbox.js';
import { expectHistoriesReplay, workflowBundle } from '../../support/replay.js';
import {
  createTimeSkippingEnv,
  maxCachedWorkflowsForTests,
  workflowsStartedIn,
} from '../../support/time-skipping.js';
import { uniqueName } from '../../support/unique.js';

// temporal.api.enums.v1.IndexedValueType (the proto module is CommonJS; tsx scripts cannot import it by name).
const INDEXED_KEYWORD = 2;
const INDEXED_INT = 3;

export const TEMPLATES_DIR = path.resolve(import.meta.dirname, '../../../templates/notify');
export const FILE_REF = `sha256:${'ab'.repeat(32)}`;
export const PEOPLE = {
  liaison: 'liaison-dawei',
  head: 'head-dawei',
  reviewer: 'group3-zhang',
  reviewer2: 'group3-li',
  office: 'office-wang',
  stranger: 'someone-else',
};

export interface Harness {
  env: TestWorkflowEnvironment;
  mailbox: Mailbox;
  worker: Worker;
  taskQueue: string;
  plansDir: string;
  /** The read model the workflows publish to. */
  status: StatusStore;
  close(): Promise<void>;
}

/**
 * A plan whose absolute dates (2009年9月初 …) become day offsets from its first opening, so the
 * same windows, steps and policies run from whatever day the test server is at.
 */
export async function writeRelativePlan(
  plansDir: string,
  sourceId: string,
  newId: string,
  edit?: (doc: ReturnType<typeof parseDocument>) => void,
): Promise<Plan> {
  const text = await readFile(path.join(defaultPlansDir, `${sourceId}.yaml`), 'utf8');
  const loaded = loadPlanText(text, `${sourceId}.yaml`);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  const plan = loaded.plan;
  const cal = calendarForPlan(plan);
  const origin = '2009-09-01';
  const sched = buildSchedule(plan, { id: 'probe', type: plan.unitTypes[0]!, flags: [] }, origin, cal);
  const doc = parseDocument(text);
  doc.set('id', newId);
  plan.stages.forEach((stage, i) => {
    const s = sched.stages.find((x) => x.stageId === stage.id);
    if (!s) return;
    const open = daysBetween(origin, localDateOf(cal, s.opensAt));
    const due = daysBetween(origin, localDateOf(cal, s.dueAt));
    doc.setIn(['stages', i, 'window'], doc.createNode({ open: `+${open}d`, due: `+${due}d` }));
  });
  edit?.(doc);
  const out = String(doc);
  await writeFile(path.join(plansDir, `${newId}.yaml`), out);
  const reloaded = loadPlanText(out, `${newId}.yaml`);
  if (!reloaded.ok) throw new Error(JSON.stringify(reloaded.issues));
  return reloaded.plan;
}

/**
 * The notification activity's clock follows the test server, not the wall: quiet hours are judged
 * at the instant the workflow scheduled the attempt (time stands still while an activity runs).
 */
export const serverClock = {
  now: (): Date => new Date(Context.current().info.currentAttemptScheduledTimestampMs),
};

export interface HarnessOptions {
  /** SMS provider for the notification activity (e.g. the HTTP gateway to a loopback receiver). */
  sms?: SmsSender;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const [env, mailbox] = await Promise.all([createTimeSkippingEnv(), startMailbox()]);
  // The Java test server knows no custom search attributes until told, like a fresh cluster.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(customSearchAttributes).map(([name, type]) => [
        name,
        type === 'Int' ? INDEXED_INT : INDEXED_KEYWORD,
      ]),
    ),
  });
  const plansDir = await mkdtemp(path.join(tmpdir(), 'unit-campaign-'));
  const deliveryLog = openSqliteDeliveryLog(path.join(plansDir, 'delivery.sqlite'));
  const status = openSqliteStatusStore(path.join(plansDir, 'delivery.sqlite'));
  const mailer = loopbackMailer(mailbox.port, { maxConnections: 1 });
  const taskQueue = uniqueName('unit-campaign');
  const maxCachedWorkflows = maxCachedWorkflowsForTests();
  const worker = await createCampaignWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    ...(maxCachedWorkflows !== undefined ? { maxCachedWorkflows } : {}),
    deps: {
      plansDir,
      status,
      notify: {
        templates: loadTemplates(TEMPLATES_DIR),
        deliveryLog,
        calendar: chineseDaysCalendar,
        mailer,
        clock: serverClock,
        ...(options.sms ? { sms: options.sms } : {}),
        settings: {
          officeName: '区学习实践活动办公室',
          mailFrom: '区学习实践活动办公室 <office@xuexi.example.gov.cn>',
          officeHours: { start: '09:00', end: '17:30', zone: 'Asia/Shanghai' },
          quietChannels: ['sms'],
          claimLeaseMs: 120_000,
        },
      },
    },
  });
  const running = worker.run();
  return {
    env,
    mailbox,
    worker,
    taskQueue,
    plansDir,
    status,
    async close() {
      worker.shutdown();
      await running;
      // Every history this harness's tests produced must replay with the code that produced it.
      try {
        await expectHistoriesReplay(env.client, workflowsStartedIn(env));
      } finally {
        mailer.close();
        await status.close();
        await mailbox.close();
        await env.teardown();
        await rm(plansDir, { recursive: true, force: true });
      }
    },
  };
}

export async function campaignInput(
  h: Harness,
  planId: string,
  campaignId: string,
  startInDays = 1,
): Promise<UnitCampaignInput> {
  const now = await h.env.currentTimeMs();
  const start = new Date(now + startInDays * 86_400_000).toLocaleDateString('sv-SE', {
    timeZone: 'Asia/Shanghai',
  });
  return {
    campaignId,
    campaignTitle: '第三批深入学习实践科学发展观活动',
    planRef: await planRefFor(h.plansDir, planId),
    unit: {
      id: 'dawei',
      name: '大圩镇机关',
      type: 'town_office',
      flags: [],
      head: { id: PEOPLE.head, name: '李书记', email: 'head@dawei.example.cn' },
      liaison: { id: PEOPLE.liaison, name: '王联络', email: 'liaison@dawei.example.cn' },
      group: {
        id: 'group-3',
        name: '区第三指导检查组',
        members: [
          { id: PEOPLE.reviewer, name: '张组长', email: 'zhang@group3.example.cn' },
          { id: PEOPLE.reviewer2, name: '李组员', email: 'li@group3.example.cn' },
        ],
      },
      pairedAgency: { name: '区财政局', email: 'paired@finance.example.cn' },
    },
    office: {
      name: '区学习实践活动办公室',
      members: [{ id: PEOPLE.office, name: '王主任', email: 'wang@office.example.cn' }],
    },
    start,
  };
}

export function scheduleFor(plan: Plan, input: UnitCampaignInput): Schedule {
  return buildSchedule(
    plan,
    { id: input.unit.id, type: input.unit.type, flags: input.unit.flags },
    input.start,
  );
}

/** The notification id a mail belongs to (header set by the notification activity). */
export function notificationIdOf(mail: ParsedMail): string {
  const v = mail.headers.get('x-campaign-notification');
  return typeof v === 'string' ? v : '';
}

export function addressesOf(mail: ParsedMail): string[] {
  const to = mail.to && !Array.isArray(mail.to) ? mail.to.value : [];
  return to.map((a) => a.address ?? '');
}

/** Mails of one workflow, grouped by notification id in order of first arrival. */
export function mailsOf(mailbox: Mailbox, workflowId: string): { id: string; to: string[] }[] {
  const groups: { id: string; to: string[] }[] = [];
  for (const m of mailbox.messages()) {
    const id = notificationIdOf(m);
    if (!id.startsWith(`${workflowId}/`)) continue;
    let g = groups.find((x) => x.id === id);
    if (!g) groups.push((g = { id, to: [] }));
    g.to.push(...addressesOf(m));
  }
  return groups;
}

/** Sleeps the test server until `instant` (no-op if already past). */
export async function sleepUntil(env: TestWorkflowEnvironment, instant: string | number): Promise<void> {
  const target = typeof instant === 'number' ? instant : Date.parse(instant);
  const now = await env.currentTimeMs();
  if (target > now) await env.sleep(target - now);
}

export interface ExpectedMail {
  id: string;
  at: number;
  rank: number;
  to: string[];
}

/** Email addresses for plan roles, mirroring recipientsFor on the test input. */
export function addressesFor(input: UnitCampaignInput, roles: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of roles) {
    if (r === 'liaison' && input.unit.liaison.email) out.push(input.unit.liaison.email);
    if (r === 'unit_head' && input.unit.head.email) out.push(input.unit.head.email);
    if (r === 'supervisor_group') for (const m of input.unit.group.members) if (m.email) out.push(m.email);
    if (r === 'office') for (const m of input.office.members) if (m.email) out.push(m.email);
    if (r === 'paired_agency' && input.unit.pairedAgency?.email) out.push(input.unit.pairedAgency.email);
  }
  return [...new Set(out)];
}

/** Waits until the mails of notification `id` stop arriving (at least one), then returns its recipients. */
export async function waitForNotification(
  mailbox: Mailbox,
  workflowId: string,
  id: string,
  timeoutMs = 30_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const g = mailsOf(mailbox, workflowId).find((m) => m.id === id);
    if (g) {
      await new Promise((r) => setTimeout(r, 300));
      return mailsOf(mailbox, workflowId).find((m) => m.id === id)!.to;
    }
    if (Date.now() > deadline)
      throw new Error(
        `no mail for ${id}; got ${mailsOf(mailbox, workflowId)
          .map((m) => m.id)
          .join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function mailText(mailbox: Mailbox, id: string): string {
  return mailbox.messages().find((m) => notificationIdOf(m) === id)?.text ?? '';
}
