/**
 * What a unit's workflow history says happened: every accepted Update with its arguments (who
 * submitted which files, who returned what and why), every notification the workflow queued, the
 * unit's input and its plan as loaded. The status Query shows the present; the history is the one
 * complete record of the past while the server keeps it (the archive built at completion keeps it
 * after that). Runs chained by continue-as-new are read oldest first.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { DeliverNotificationInput } from '../../activities/notify/types.js';
import type { Plan } from '../../domain/plan/schema.js';
import { unitWorkflowId } from '../../workflows/ids.js';
import type { UnitCampaignInput } from '../../workflows/unit-campaign/messages.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

export interface AcceptedUpdate {
  name: string;
  at: string;
  args: unknown;
  /** False when the handler refused it after acceptance (state moved between validator and handler). */
  ok: boolean;
}

export interface QueuedNotification {
  at: string;
  input: DeliverNotificationInput;
}

export interface UnitHistory {
  input: UnitCampaignInput;
  plan?: Plan;
  updates: AcceptedUpdate[];
  notifications: QueuedNotification[];
  runs: number;
}

function decode(payloads: Payloads, index = 0): unknown {
  const p = payloads?.payloads?.[index];
  return p ? defaultPayloadConverter.fromPayload(p) : undefined;
}

function eventTime(e: HistoryEvent): string {
  const t = e.eventTime;
  if (!t) return new Date(0).toISOString();
  return new Date(Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}

/** One run's history, decoded into the parts the archive reads. */
function readRun(events: readonly HistoryEvent[]): Omit<UnitHistory, 'runs'> & { previousRunId?: string } {
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error('流程历史缺少启动事件');
  const input = decode(started.input) as UnitCampaignInput;
  const carried = input.carried as { plan?: Plan } | undefined;
  let plan = carried?.plan;
  const accepted = new Map<string, { name: string; at: string; args: unknown }>();
  const updates: AcceptedUpdate[] = [];
  const notifications: QueuedNotification[] = [];
  for (const e of events) {
    const marker = e.markerRecordedEventAttributes;
    if (!plan && marker?.markerName === 'core_local_activity') {
      const result = decode(marker.details?.result) as Plan | undefined;
      if (result && typeof result === 'object' && 'stages' in result) plan = result;
    }
    const acc = e.workflowExecutionUpdateAcceptedEventAttributes;
    if (acc) {
      const id = acc.acceptedRequest?.meta?.updateId ?? acc.protocolInstanceId ?? '';
      accepted.set(id, {
        name: acc.acceptedRequest?.input?.name ?? '',
        at: eventTime(e),
        args: decode(acc.acceptedRequest?.input?.args),
      });
    }
    const done = e.workflowExecutionUpdateCompletedEventAttributes;
    if (done) {
      const a = accepted.get(done.meta?.updateId ?? '');
      if (a) updates.push({ ...a, ok: !done.outcome?.failure });
    }
    const act = e.activityTaskScheduledEventAttributes;
    if (act?.activityType?.name === 'deliverNotifications') {
      const batch = decode(act.input) as DeliverNotificationInput[] | undefined;
      for (const n of batch ?? []) notifications.push({ at: eventTime(e), input: n });
    }
  }
  return {
    input,
    ...(plan ? { plan } : {}),
    updates,
    notifications,
    ...(started.continuedExecutionRunId ? { previousRunId: started.continuedExecutionRunId } : {}),
  };
}

/** Every run of the unit's workflow, oldest first, merged. At most `maxRuns` runs are followed. */
export async function readUnitHistory(
  client: Client,
  campaignId: string,
  unitId: string,
  maxRuns = 100,
): Promise<UnitHistory> {
  const workflowId = unitWorkflowId(campaignId, unitId);
  const runs: ReturnType<typeof readRun>[] = [];
  let runId: string | undefined;
  for (let i = 0; i < maxRuns; i++) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const run = readRun(history.events ?? []);
    runs.unshift(run);
    runId = run.previousRunId;
    if (!runId) break;
  }
  const { carried: _carried, ...input } = runs[0]!.input;
  const plan = runs.find((r) => r.plan)?.plan;
  return {
    input,
    ...(plan ? { plan } : {}),
    updates: runs.flatMap((r) => r.updates),
    notifications: runs.flatMap((r) => r.notifications),
    runs: runs.length,
  };
}
