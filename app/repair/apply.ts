/**
 * Carries out a repair plan: Temporal's ResetWorkflowExecution to the first task the current code
 * does not reproduce (its WorkflowTaskCompleted event), reapplying every signal and Update after
 * it; then the read model is told to accept the new run's publishes (it numbers them again from
 * the reset point) and the unit is asked to publish its status (refreshStatus), so every reader
 * sees the repaired unit at once.
 */
import { createHash } from 'node:crypto';
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';
import { refreshStatusUpdate } from '../../workflows/unit-campaign/messages.js';
import type { CampaignServices } from '../services.js';
import type { RepairPlan } from './plan.js';

const { ResetReapplyType } = proto.temporal.api.enums.v1;

export type RepairOutcome =
  | { kind: 'repaired'; newRunId: string; refreshed: true }
  /** Reset done, but the new run did not publish its status in time (it may still fail: look at it). */
  | { kind: 'repaired'; newRunId: string; refreshed: false; problem: string }
  /** Not reset: the unit changed since the plan (another run, or it recovered). */
  | { kind: 'skipped'; problem: string };

export async function applyRepair(
  svc: CampaignServices,
  plan: RepairPlan,
  o: { refreshTimeoutMs?: number; reason?: string } = {},
): Promise<RepairOutcome> {
  if (plan.verdict !== 'mismatch' || plan.resetEventId === undefined || !plan.runId)
    return { kind: 'skipped', problem: '没有可执行的重置' };
  const handle = svc.client.workflow.getHandle(plan.workflowId);
  // A reset names the run it goes back in, and always ends the current run: reset only the run planned for.
  const current = await handle.describe();
  if (current.runId !== plan.runId || current.status.name !== 'RUNNING')
    return { kind: 'skipped', problem: '演练之后流程已有变化（已重置、已结束或换了运行），请重新演练' };
  // The same plan gives the same request id: running the command twice resets once.
  const requestId = createHash('sha256')
    .update(`repair:${plan.workflowId}:${plan.runId}:${plan.resetEventId}`)
    .digest('hex')
    .slice(0, 32);
  const request = {
    namespace: svc.client.options.namespace,
    workflowExecution: { workflowId: plan.workflowId, runId: plan.runId },
    reason:
      o.reason ??
      `campaign repair：第 ${plan.badTask?.n ?? '?'} 个流程任务与现有代码不一致，重置到事件 ${plan.resetEventId}`,
    workflowTaskFinishEventId: plan.resetEventId,
    requestId,
    resetReapplyType: ResetReapplyType.RESET_REAPPLY_TYPE_ALL_ELIGIBLE,
    resetReapplyExcludeTypes: [],
    // protobufjs writes a number as int64; the generated types only name Long.
  } as unknown as temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest;
  const res = await svc.client.workflowService.resetWorkflowExecution(request);
  const newRunId = res.runId ?? '';
  await svc.status.restartPublishOrder(plan.campaignId, plan.unitId);
  await svc.status.clearHealth(plan.campaignId, [plan.unitId]);
  const timeoutMs = o.refreshTimeoutMs ?? 60_000;
  try {
    await svc.client.connection.withDeadline(Date.now() + timeoutMs, () =>
      svc.client.workflow.getHandle(plan.workflowId, newRunId).executeUpdate(refreshStatusUpdate),
    );
    return { kind: 'repaired', newRunId, refreshed: true };
  } catch (e) {
    return {
      kind: 'repaired',
      newRunId,
      refreshed: false,
      problem: `${timeoutMs / 1000} 秒内没有刷新状态：${(e as Error).message}`,
    };
  }
}
