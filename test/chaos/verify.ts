/**
 * What the fault campaign checks once both runs are over:
 * - each unit's final state (outcome, phase, stage statuses, every task's status and returns,
 *   补课 rounds, survey outcome) equals the fault-free twin's;
 * - every delivery the workflows asked for (the delivery log) reached its recipient exactly once,
 *   by notification id and address: mail at the SMTP server, SMS at the gateway; an 'uncertain'
 *   one at most once and on the office's problem list; a 'suppressed' one (the weekly cap on
 *   escalation repeats) never; none failed, none unsettled;
 * - no workflow task failed (WorkflowTaskFailed in any history), and no unit is stuck.
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import pg from 'pg';
import { smsOutId } from '../../activities/notify/sms/sms-sender.js';
import { unitWorkflowId } from '../../workflows/ids.js';
import type { UnitCampaignResult, UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';
import type { MailLedger } from '../integration/restart/mail-ledger.js';
import type { Run } from './stack.js';

export interface FinalState {
  unitId: string;
  outcome: string;
  phase: string;
  stages: string[];
  tasks: string[];
  remedialRound: number;
  surveyRounds: number;
  surveyOutcome: string;
  waivedTasks: string[];
}

export function finalState(result: UnitCampaignResult, s: UnitCampaignStatus): FinalState {
  return {
    unitId: result.unitId,
    outcome: result.outcome,
    phase: s.phase,
    stages: s.stages.map((x) => `${x.stageId}:${x.status}`),
    tasks: s.tasks.map((t) => `${t.taskId}:${t.status}:${t.returns}`).sort(),
    remedialRound: s.remedialRound,
    surveyRounds: result.surveyRounds,
    surveyOutcome: result.surveyOutcome,
    waivedTasks: [...result.waivedTasks].sort(),
  };
}

export interface DeliveryRow {
  delivery_key: string;
  notification_id: string;
  channel: string;
  address: string;
  status: string;
}

export async function deliveryRows(databaseUrl: string, campaignId: string): Promise<DeliveryRow[]> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (
      await c.query<DeliveryRow>(
        `SELECT delivery_key, notification_id, channel, lower(address) AS address, status
           FROM notify_delivery WHERE notification_id LIKE $1`,
        [`campaign/${campaignId}/%`],
      )
    ).rows;
  } finally {
    await c.end();
  }
}

export interface Accounting {
  expected: number;
  email: number;
  sms: number;
  /** Received exactly once. */
  delivered: number;
  duplicated: string[];
  /** Logged as sent and never received. */
  lost: string[];
  uncertain: string[];
  uncertainReceived: number;
  failed: string[];
  /**
   * Held back on purpose and final: escalation repeats past the weekly cap per address
   * (NOTIFY_ESCALATION_REPEATS_PER_WEEK; a compressed campaign puts weeks of them into minutes).
   */
  suppressed: number;
  /** Suppressed, and yet received. */
  suppressedReceived: string[];
  unsettled: string[];
  /** Mail received that the log does not know. */
  unknown: string[];
  /** `${notification suffix} ${address}` of every delivery received. */
  receivedKeys: Set<string>;
}

export function account(run: Run, rows: DeliveryRow[], ledger: MailLedger): Accounting {
  const prefix = `campaign/${run.campaignId}/`;
  const arrivals = ledger.arrivals();
  const sms = run.sms.accepted();
  const key = (r: DeliveryRow) => `${r.notification_id} ${r.address}`;
  const received = (r: DeliveryRow) =>
    r.channel === 'sms' ? (sms.get(smsOutId(r.delivery_key)) ?? 0) : (arrivals.get(key(r))?.length ?? 0);
  const a: Accounting = {
    expected: rows.length,
    email: rows.filter((r) => r.channel === 'email').length,
    sms: rows.filter((r) => r.channel === 'sms').length,
    delivered: 0,
    duplicated: [],
    lost: [],
    uncertain: [],
    uncertainReceived: 0,
    failed: [],
    suppressed: 0,
    suppressedReceived: [],
    unsettled: [],
    unknown: [],
    receivedKeys: new Set(),
  };
  for (const r of rows) {
    const n = received(r);
    if (n === 1) a.delivered += 1;
    if (n > 1) a.duplicated.push(key(r));
    if (n > 0) a.receivedKeys.add(`${r.notification_id.slice(prefix.length)} ${r.address}`);
    if (r.status === 'sent' && n === 0) a.lost.push(key(r));
    if (r.status === 'uncertain') {
      a.uncertain.push(key(r));
      if (n > 0) a.uncertainReceived += 1;
    }
    if (r.status === 'failed') a.failed.push(`${key(r)} (${r.channel})`);
    if (r.status === 'suppressed') {
      a.suppressed += 1;
      if (n > 0) a.suppressedReceived.push(key(r));
    }
    if (!['sent', 'uncertain', 'failed', 'suppressed'].includes(r.status))
      a.unsettled.push(`${key(r)}: ${r.status}`);
  }
  const logged = new Set(rows.filter((r) => r.channel === 'email').map(key));
  for (const k of arrivals.keys()) if (k.startsWith(prefix) && !logged.has(k)) a.unknown.push(k);
  return a;
}

/** The office's problem list through the API: `${notificationId} ${address}` of the uncertain ones. */
export async function listedUncertain(run: Run, officeToken: string): Promise<Set<string>> {
  const r = await fetch(
    `${run.apiUrls[0]}/api/campaigns/${run.campaignId}/notification-problems?limit=1000`,
    { headers: { authorization: `Bearer ${officeToken}` }, signal: AbortSignal.timeout(30_000) },
  );
  const body = (await r.json()) as {
    problems?: { status: string; notificationId: string; address: string }[];
    message?: string;
  };
  if (r.status !== 200) throw new Error(`notification-problems: HTTP ${r.status} ${body.message}`);
  return new Set(
    (body.problems ?? [])
      .filter((p) => p.status === 'uncertain')
      .map((p) => `${p.notificationId} ${p.address.toLowerCase()}`),
  );
}

export interface HistoryScan {
  histories: number;
  events: number;
  workflowTaskFailed: string[];
  workflowTaskTimedOut: number;
}

/** Every unit's history: failed workflow tasks (none allowed) and timed-out ones (a killed worker's). */
export async function scanHistories(
  client: Client,
  campaignId: string,
  unitIds: string[],
): Promise<HistoryScan> {
  const scan: HistoryScan = { histories: 0, events: 0, workflowTaskFailed: [], workflowTaskTimedOut: 0 };
  const T = proto.temporal.api.enums.v1.EventType;
  for (let i = 0; i < unitIds.length; i += 20) {
    const batch = unitIds.slice(i, i + 20);
    const histories = await Promise.all(
      batch.map((u) => client.workflow.getHandle(unitWorkflowId(campaignId, u)).fetchHistory()),
    );
    histories.forEach((h, k) => {
      scan.histories += 1;
      for (const e of h.events ?? []) {
        scan.events += 1;
        if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_FAILED)
          scan.workflowTaskFailed.push(
            `${batch[k]}#${String(e.eventId)}: ${e.workflowTaskFailedEventAttributes?.failure?.message ?? ''}`,
          );
        if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) scan.workflowTaskTimedOut += 1;
      }
    });
  }
  return scan;
}
