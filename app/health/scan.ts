/**
 * Finds the units whose workflow task keeps failing, without asking Temporal about every unit:
 * candidates come from the read model (running units past their own wake-up by more than a grace)
 * and from the health cache (units stuck or suspect before: a failed Update marks one). Each
 * candidate is confirmed by `describe()` (the pending workflow task's attempt) and, when stuck,
 * the error is read from the last WorkflowTaskFailed event at the end of its history. Never a
 * Query. Findings go to the health cache beside the read model, which every reader reads.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { UnitHealthRecord } from '../../activities/status/health.js';
import { unitWorkflowId } from '../../workflows/ids.js';
import type { UnitHealthView } from '../../workflows/unit-campaign/messages.js';
import { mapLimit } from '../concurrency.js';
import type { CampaignServices } from '../services.js';
import type { HealthSettings } from './settings.js';
import { lastTaskFailure } from './task-failure.js';

export const STUCK_LABEL = '流程异常，需要技术处理';

export type ScanSettings = Pick<
  HealthSettings,
  'stuckAfterFailures' | 'graceMs' | 'lateRecheckMs' | 'maxChecks' | 'concurrency'
>;

export type UnitCheck =
  | { kind: 'gone' }
  | { kind: 'ok'; runId: string; failures: number }
  | {
      kind: 'stuck';
      runId: string;
      failures: number;
      error: string;
      errorCause?: string;
      failedEventId?: number;
      failedAt?: string;
    };

/** One unit's workflow right now: finished (or unknown), fine, or failing its task more than allowed. */
export async function checkUnit(
  svc: CampaignServices,
  campaignId: string,
  unitId: string,
  stuckAfterFailures: number,
): Promise<UnitCheck> {
  const workflowId = unitWorkflowId(campaignId, unitId);
  let d;
  try {
    d = await svc.client.workflow.getHandle(workflowId).describe();
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return { kind: 'gone' };
    throw e;
  }
  if (d.status.name !== 'RUNNING') return { kind: 'gone' };
  const attempt = d.raw.pendingWorkflowTask?.attempt ?? 0;
  const failures = Math.max(0, attempt - 1);
  if (failures <= stuckAfterFailures) return { kind: 'ok', runId: d.runId, failures };
  return {
    kind: 'stuck',
    runId: d.runId,
    failures,
    ...(await lastTaskFailure(svc.client, workflowId, d.runId)),
  };
}

export interface HealthScanResult {
  campaignId: string;
  /** Units that needed a look (past their wake-up, or known to the cache). */
  candidates: number;
  /** Described in this scan. */
  checked: number;
  /** Left for the next scan (over maxChecks), or recently found merely late. */
  deferred: number;
  stuck: UnitHealthRecord[];
  /** Units whose check failed (Temporal unreachable): their findings stay as they were. */
  errors: { unitId: string; error: string }[];
  elapsedMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export interface CandidateChoice {
  /** To describe now, in order: stuck and suspect first, then never looked at, then the oldest-checked late ones. */
  toCheck: string[];
  /** Late findings whose unit has published a new wake-up since: cleared without a look. */
  caughtUp: string[];
  /** Candidates left for a later scan (over maxChecks, or late and checked recently). */
  deferred: number;
  candidates: number;
}

/**
 * Which units a scan looks at, from the read model's overdue wake-ups and the cache's findings.
 * Pure, so the choice is tested without a server; the size of a campaign never enters it, only the
 * number of units that are late or already known.
 */
export function chooseCandidates(
  late: readonly { unitId: string }[],
  known: readonly UnitHealthRecord[],
  now: number,
  s: Pick<ScanSettings, 'lateRecheckMs' | 'maxChecks'>,
): CandidateChoice {
  const lateIds = new Set(late.map((r) => r.unitId));
  const knownById = new Map(known.map((h) => [h.unitId, h]));
  const caughtUp = known.filter((h) => h.state === 'late' && !lateIds.has(h.unitId)).map((h) => h.unitId);
  const urgent = known.filter((h) => h.state !== 'late').map((h) => h.unitId);
  const fresh = late.filter((r) => !knownById.has(r.unitId)).map((r) => r.unitId);
  const lateKnown = known.filter((h) => h.state === 'late' && lateIds.has(h.unitId));
  const recheck = lateKnown
    .filter((h) => now - Date.parse(h.checkedAt) >= s.lateRecheckMs)
    .sort((a, b) => a.checkedAt.localeCompare(b.checkedAt) || a.unitId.localeCompare(b.unitId))
    .map((h) => h.unitId);
  const queue = [...urgent, ...fresh, ...recheck];
  const toCheck = queue.slice(0, s.maxChecks);
  return {
    toCheck,
    caughtUp,
    deferred: queue.length - toCheck.length + (lateKnown.length - recheck.length),
    candidates: new Set([...urgent, ...lateIds]).size,
  };
}

export async function scanCampaignHealth(
  svc: CampaignServices,
  campaignId: string,
  s: ScanSettings,
  now: number = Date.now(),
): Promise<HealthScanResult> {
  const t0 = Date.now();
  const [late, known] = await Promise.all([
    svc.status.overdueWakeUps(campaignId, iso(now - s.graceMs)),
    svc.status.health(campaignId),
  ]);
  const lateById = new Map(late.map((r) => [r.unitId, r]));
  const knownById = new Map(known.map((h) => [h.unitId, h]));
  const { toCheck, caughtUp, deferred, candidates } = chooseCandidates(late, known, now, s);

  const errors: HealthScanResult['errors'] = [];
  const put: UnitHealthRecord[] = [];
  const clear: string[] = [...caughtUp];
  const checkedAt = iso(now);
  await mapLimit(toCheck, s.concurrency, async (unitId) => {
    let c: UnitCheck;
    try {
      c = await checkUnit(svc, campaignId, unitId, s.stuckAfterFailures);
    } catch (e) {
      errors.push({ unitId, error: (e as Error).message });
      return;
    }
    const before = knownById.get(unitId);
    const unitName =
      lateById.get(unitId)?.status.unitName ??
      before?.unitName ??
      (await svc.status.get(campaignId, unitId))?.status.unitName;
    const base = { campaignId, unitId, ...(unitName ? { unitName } : {}), since: checkedAt, checkedAt };
    if (c.kind === 'gone') clear.push(unitId);
    else if (c.kind === 'stuck') {
      const { kind: _kind, ...rest } = c;
      put.push({ ...base, state: 'stuck', ...rest });
    } else if (lateById.has(unitId))
      put.push({ ...base, state: 'late', runId: c.runId, failures: c.failures });
    else clear.push(unitId);
  });
  await svc.status.putHealth(put);
  await svc.status.clearHealth(campaignId, clear);
  const stuck = await svc.status.health(campaignId, { states: ['stuck'] });
  return {
    campaignId,
    candidates,
    checked: toCheck.length,
    deferred,
    stuck,
    errors,
    elapsedMs: Date.now() - t0,
  };
}

/** What a unit's status shows when the cache says it is stuck. */
export function healthView(h: UnitHealthRecord): UnitHealthView {
  return {
    state: 'stuck',
    label: STUCK_LABEL,
    error: h.error ?? '（没有错误信息）',
    failures: h.failures ?? 0,
    since: h.since,
    checkedAt: h.checkedAt,
  };
}
