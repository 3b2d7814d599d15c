/**
 * Operations on one unit's workflow, shared by the CLI, the API, the batch tools and the digests:
 * each is an Update that the workflow validates and answers with the unit's new status. Failures
 * come back as an OperationError whose message is the workflow's own Chinese text.
 *
 * `unitStatus` is the one place anything reads a unit's status: from the read model the workflow
 * publishes to, never by Querying a running workflow (docs/workflow.md, "Time after a restart").
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { unitWorkflowId } from '../workflows/ids.js';
import {
  acknowledgeEscalationUpdate,
  addAdHocItemUpdate,
  addGapItemUpdate,
  cancelUpdate,
  extendDeadlineUpdate,
  pauseUpdate,
  recordSurveyUpdate,
  resumeUpdate,
  reviewDeliverableUpdate,
  shiftDatesUpdate,
  submitDeliverableUpdate,
  waiveTaskUpdate,
  type AcknowledgeEscalationRequest,
  type AddAdHocItemRequest,
  type AddGapItemRequest,
  type CancelRequest,
  type ExtendDeadlineRequest,
  type OfficeRequest,
  type RecordSurveyRequest,
  type ResumeRequest,
  type ReviewDeliverableRequest,
  type ShiftDatesRequest,
  type SubmitDeliverableRequest,
  type UnitCampaignStatus,
  type WaiveTaskRequest,
} from '../workflows/unit-campaign/messages.js';
import type { CampaignServices } from './services.js';
import { statusAsOf } from './status/as-of.js';

export interface OperationRequests {
  submit: SubmitDeliverableRequest;
  review: ReviewDeliverableRequest;
  acknowledge: AcknowledgeEscalationRequest;
  extend: ExtendDeadlineRequest;
  addGap: AddGapItemRequest;
  survey: RecordSurveyRequest;
  pause: OfficeRequest;
  resume: ResumeRequest;
  shift: ShiftDatesRequest;
  waive: WaiveTaskRequest;
  adhoc: AddAdHocItemRequest;
  cancel: CancelRequest;
}
export type Operation = keyof OperationRequests;

const UPDATES = {
  submit: submitDeliverableUpdate,
  review: reviewDeliverableUpdate,
  acknowledge: acknowledgeEscalationUpdate,
  extend: extendDeadlineUpdate,
  addGap: addGapItemUpdate,
  survey: recordSurveyUpdate,
  pause: pauseUpdate,
  resume: resumeUpdate,
  shift: shiftDatesUpdate,
  waive: waiveTaskUpdate,
  adhoc: addAdHocItemUpdate,
  cancel: cancelUpdate,
} as const;

export const OPERATIONS = Object.keys(UPDATES) as Operation[];

export const OPERATION_LABELS: Record<Operation, string> = {
  submit: '报送',
  review: '审查',
  acknowledge: '确认督办',
  extend: '延期',
  addGap: '增加查缺补缺事项',
  survey: '录入测评结果',
  pause: '暂停',
  resume: '恢复',
  shift: '整体调整日期',
  waive: '免除任务',
  adhoc: '增加督办事项',
  cancel: '撤销',
};

export type OperationErrorKind = 'invalid' | 'not_found' | 'unavailable';

export class OperationError extends Error {
  constructor(
    readonly kind: OperationErrorKind,
    message: string,
    /** The workflow's problems, one per field, when it refused the request. */
    readonly problems: string[] = [message],
  ) {
    super(message);
    this.name = 'OperationError';
  }
}

function translate(e: unknown, campaignId: string, unitId: string): OperationError {
  if (e instanceof OperationError) return e;
  if (e instanceof WorkflowNotFoundError)
    return new OperationError(
      'not_found',
      `活动「${campaignId}」中没有单位「${unitId}」，或该单位的流程已结束`,
    );
  if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure) {
    const details = e.cause.details?.[0];
    const problems =
      Array.isArray(details) && details.every((d) => typeof d === 'string') ? details : [e.cause.message];
    return new OperationError('invalid', e.cause.message, problems);
  }
  const message = (e as Error).message ?? String(e);
  if (/not found/i.test(message)) return new OperationError('not_found', `活动「${campaignId}」中没有单位「${unitId}」`);
  if (/already completed|workflow execution already completed/i.test(message)) return new OperationError('invalid', '本单位活动已结束，不能再修改');
  // Worker unavailable, deadline exceeded.
  return new OperationError('unavailable', `暂时无法处理单位「${unitId}」的请求：${message}`);
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
    await handle.executeUpdate(UPDATES[op] as typeof submitDeliverableUpdate, { args: [request as never] });
  } catch (e) {
    throw translate(e, campaignId, unitId);
  }
  // The Update answered once the read model showed its change: callers show the whole unit.
  return unitStatus(svc, campaignId, unitId);
}

/** The unit's status as its workflow last published it, with the overdue flags as of `now`. */
export async function unitStatus(svc: CampaignServices, campaignId: string, unitId: string, now: number = Date.now()): Promise<UnitCampaignStatus> {
  const record = await svc.status.get(campaignId, unitId);
  if (record) return statusAsOf(record.status, now);
  // Nothing published: no such unit, or its workflow has not finished its first task yet.
  try {
    await svc.client.workflow.getHandle(unitWorkflowId(campaignId, unitId)).describe();
  } catch (e) {
    throw translate(e, campaignId, unitId);
  }
  throw new OperationError('unavailable', `单位「${unitId}」的状态尚未发布：流程正在启动，请稍后再查询`);
}
