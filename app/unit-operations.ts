/**
 * Operations on one unit's workflow, shared by the CLI, the API, the batch tools and the digests:
 * each is an Update that the workflow validates and answers with the unit's new status. Failures
 * come back as a CampaignFailure (domain/failures.ts) whose message is the workflow's own Chinese text.
 *
 * `unitStatus` is the one place anything reads a unit's status: from the read model the workflow
 * publishes to, never by Querying a running workflow (docs/workflow.md, "Time after a restart").
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { CampaignFailure, NotFound, Rejected, Unavailable, isFailureType } from '../domain/failures.js';
import { unitWorkflowId } from '../workflows/ids.js';
import {
  OPERATIONS,
  UNIT_OPERATIONS,
  type Operation,
  type OperationRequests,
  type UnitCampaignStatus,
} from '../workflows/unit-campaign/messages.js';
import { healthView, STUCK_LABEL } from './health/scan.js';
import type { CampaignServices } from './services.js';
import { statusAsOf } from './status/as-of.js';

export { OPERATIONS, type Operation, type OperationRequests };

/** How the command line and refusals name each operation. */
export const OPERATION_LABELS = Object.fromEntries(
  OPERATIONS.map((op) => [op, UNIT_OPERATIONS[op].label]),
) as Record<Operation, string>;

/**
 * What Temporal's errors mean for a caller, by their class and the failure type the workflow set
 * (domain/failures.ts), never by their message text.
 */
async function failureOf(
  svc: CampaignServices,
  e: unknown,
  campaignId: string,
  unitId: string,
): Promise<CampaignFailure> {
  if (e instanceof CampaignFailure) return e;
  if (e instanceof WorkflowNotFoundError) {
    // An Update to a unit whose workflow has ended is answered "not found" as well: ask which it is.
    const ended = await svc.client.workflow
      .getHandle(unitWorkflowId(campaignId, unitId))
      .describe()
      .then(
        (d) => d.status.name !== 'RUNNING',
        () => false,
      );
    return ended
      ? new Rejected('本单位活动已结束，不能再修改')
      : new NotFound(`活动「${campaignId}」中没有单位「${unitId}」`);
  }
  if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure) {
    const details = e.cause.details?.[0];
    const problems =
      Array.isArray(details) && details.every((d) => typeof d === 'string') ? details : [e.cause.message];
    // Runs started before the registry named their refusals InvalidRequest; every refusal is the unit's.
    const type = isFailureType(e.cause.type) && e.cause.type !== 'InvalidRequest' ? e.cause.type : 'Rejected';
    return new CampaignFailure(type, e.cause.message, problems);
  }
  // Worker unavailable, deadline exceeded, server restarting.
  return new Unavailable(`暂时无法处理单位「${unitId}」的请求：${(e as Error).message ?? String(e)}`);
}

export async function runOperation<Op extends Operation>(
  svc: CampaignServices,
  campaignId: string,
  unitId: string,
  op: Op,
  request: OperationRequests[Op],
): Promise<UnitCampaignStatus> {
  const handle = svc.client.workflow.getHandle(unitWorkflowId(campaignId, unitId));
  try {
    await handle.executeUpdate(UNIT_OPERATIONS[op].update as (typeof UNIT_OPERATIONS)['submit']['update'], {
      args: [request as never],
    });
  } catch (e) {
    const failure = await failureOf(svc, e, campaignId, unitId);
    if (failure.type === 'Unavailable') throw await noteUnavailable(svc, campaignId, unitId, op, failure);
    throw failure;
  }
  // The Update answered once the read model showed its change: callers show the whole unit.
  return unitStatus(svc, campaignId, unitId);
}

/**
 * An Update that could not be delivered is a hint that the unit's workflow task fails: the next
 * health scan looks at it (app/health/scan.ts). When the scan already found it stuck, say so.
 */
async function noteUnavailable(
  svc: CampaignServices,
  campaignId: string,
  unitId: string,
  op: Operation,
  failure: CampaignFailure,
): Promise<CampaignFailure> {
  try {
    await svc.status.noteSuspect(
      campaignId,
      unitId,
      new Date().toISOString(),
      `${OPERATION_LABELS[op]}未能完成：${failure.message}`,
    );
    const h = await svc.status.healthOf(campaignId, unitId);
    if (h?.state === 'stuck')
      return new Unavailable(`单位「${unitId}」${STUCK_LABEL}，暂时无法处理请求：${h.error ?? ''}`);
  } catch {
    // The hint is best effort: the caller still gets the failure itself.
  }
  return failure;
}

/**
 * The unit's status as its workflow last published it, with the overdue flags as of `now`, and the
 * health scan's finding when its workflow is stuck (`health`).
 */
export async function unitStatus(
  svc: CampaignServices,
  campaignId: string,
  unitId: string,
  now: number = Date.now(),
): Promise<UnitCampaignStatus> {
  const [record, health] = await Promise.all([
    svc.status.get(campaignId, unitId),
    svc.status.healthOf(campaignId, unitId),
  ]);
  if (record) {
    const status = statusAsOf(record.status, now);
    return health?.state === 'stuck' ? { ...status, health: healthView(health) } : status;
  }
  // Nothing published: no such unit, or its workflow has not finished its first task yet.
  try {
    await svc.client.workflow.getHandle(unitWorkflowId(campaignId, unitId)).describe();
  } catch (e) {
    throw await failureOf(svc, e, campaignId, unitId);
  }
  throw new Unavailable(`单位「${unitId}」的状态尚未发布：流程正在启动，请稍后再查询`);
}
