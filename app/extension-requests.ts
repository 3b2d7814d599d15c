/**
 * 延期申请 as the service layer sees them: the requests that wait for a decision, read from the
 * status read model (never by Querying a workflow), and the office's batch decision — one
 * decision sent to many (unit, task) pairs, each its own decideExtension Update, one refusal not
 * stopping the others. The API, the CLI and the console share both.
 */
import type { UnitStatusRecord } from '../activities/status/status-store.js';
import { CampaignFailure } from '../domain/failures.js';
import type { DecideExtensionRequest, UnitCampaignStatus } from '../workflows/unit-campaign/messages.js';
import { mapLimit } from './concurrency.js';
import type { CampaignServices } from './services.js';
import { runOperation } from './unit-operations.js';

export interface PendingExtension {
  unitId: string;
  unitName: string;
  group: string;
  taskId: string;
  title: string;
  /** The task's deadline now, and the one asked for. */
  dueAt: string;
  newDueAt: string;
  reason: string;
  workingDays: number;
  requestedAt: string;
  requestedBy: string;
  /** The 指导组 within the plan's limit, else the 活动办 (报活动办审批). */
  decider: 'supervisor_group' | 'office';
  decideBy?: string;
  escalationLevel: number;
}

export function pendingExtensionsOf(s: UnitCampaignStatus, group: string): PendingExtension[] {
  if (s.phase !== 'running' && s.phase !== 'paused') return [];
  return s.tasks.flatMap((t) => {
    const x = t.extensionRequest;
    if (!x) return [];
    return [
      {
        unitId: s.unitId,
        unitName: s.unitName,
        group,
        taskId: t.taskId,
        title: t.title,
        dueAt: t.dueAt,
        newDueAt: x.newDueAt,
        reason: x.reason,
        workingDays: x.workingDays,
        requestedAt: x.requestedAt,
        requestedBy: x.requestedBy,
        decider: x.decider,
        ...(x.decideBy ? { decideBy: x.decideBy } : {}),
        escalationLevel: x.escalationLevel,
      },
    ];
  });
}

/** Oldest request first, then by unit and task. */
function byOldest(a: PendingExtension, b: PendingExtension): number {
  return (
    a.requestedAt.localeCompare(b.requestedAt) ||
    a.unitId.localeCompare(b.unitId) ||
    a.taskId.localeCompare(b.taskId)
  );
}

export function pendingExtensionsFromRecords(records: readonly UnitStatusRecord[]): PendingExtension[] {
  return records.flatMap((r) => pendingExtensionsOf(r.status, r.groupId)).sort(byOldest);
}

/** Every waiting request of the campaign, or of one 指导组's units, or of one unit. */
export async function pendingExtensions(
  svc: Pick<CampaignServices, 'status'>,
  campaignId: string,
  scope: { groupId?: string; unitId?: string } = {},
): Promise<PendingExtension[]> {
  const records = await svc.status.list(campaignId, scope.groupId ? { groupId: scope.groupId } : {});
  const mine = scope.unitId ? records.filter((r) => r.unitId === scope.unitId) : records;
  return pendingExtensionsFromRecords(mine);
}

export interface ExtensionBatchOutcome {
  unitId: string;
  taskId: string;
  ok: boolean;
  error?: string;
}

export interface ExtensionBatchResult {
  succeeded: number;
  failed: number;
  outcomes: ExtensionBatchOutcome[];
}

/** Bounded: a batch names at most this many requests. */
export const EXTENSION_BATCH_LIMIT = 200;

/** One decision (同意 / 不同意, with its comment) for each named request, by the same person. */
export async function decideExtensions(
  svc: CampaignServices,
  campaignId: string,
  items: readonly { unitId: string; taskId: string }[],
  decision: Omit<DecideExtensionRequest, 'taskId'>,
  o: { concurrency?: number } = {},
): Promise<ExtensionBatchResult> {
  const outcomes = await mapLimit(
    [...items],
    o.concurrency ?? 8,
    async (it): Promise<ExtensionBatchOutcome> => {
      try {
        await runOperation(svc, campaignId, it.unitId, 'decideExtension', { ...decision, taskId: it.taskId });
        return { ...it, ok: true };
      } catch (e) {
        return { ...it, ok: false, error: e instanceof CampaignFailure ? e.message : (e as Error).message };
      }
    },
  );
  const succeeded = outcomes.filter((x) => x.ok).length;
  return { succeeded, failed: outcomes.length - succeeded, outcomes };
}
