/**
 * Operations on one unit's workflow, shared by the CLI, the API, the batch tools and the digests:
 * each is an Update that the workflow validates and answers with the unit's new status. Failures
 * come back as an OperationError whose message is the workflow's own Chinese text.
 *
 * `unitStatus` is the one place anything reads a unit's status, so that where it comes from (today
 * the workflow's status Query) can change in one function.
 */
import {
  QueryNotRegisteredError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
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
  statusQuery,
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
  if (e instanceof QueryNotRegisteredError)
    return new OperationError('unavailable', '该单位的流程不支持状态查询（可能是旧版本流程）');
  const message = (e as Error).message ?? String(e);
  if (/not found/i.test(message))
    return new OperationError('not_found', `活动「${campaignId}」中没有单位「${unitId}」`);
  if (/already completed|workflow execution already completed/i.test(message))
    return new OperationError('invalid', '本单位活动已结束，不能再修改');
  // Query rejected while the workflow is starting, worker unavailable, deadline exceeded.
  return new OperationError('unavailable', `暂时无法处理单位「${unitId}」的请求：${message}`);
}

export async function runOperation<Op extends Operation>(
  client: Client,
  campaignId: string,
  unitId: string,
  op: Op,
  request: OperationRequests[Op],
): Promise<UnitCampaignStatus> {
  const handle = client.workflow.getHandle(unitWorkflowId(campaignId, unitId));
  try {
    await handle.executeUpdate(UPDATES[op] as typeof submitDeliverableUpdate, { args: [request as never] });
    // The Update answers with a short acknowledgement (history size); callers show the whole unit.
    return await handle.query(statusQuery);
  } catch (e) {
    throw translate(e, campaignId, unitId);
  }
}

export async function unitStatus(
  client: Client,
  campaignId: string,
  unitId: string,
): Promise<UnitCampaignStatus> {
  const handle = client.workflow.getHandle(unitWorkflowId(campaignId, unitId));
  try {
    return await handle.query(statusQuery);
  } catch (e) {
    throw translate(e, campaignId, unitId);
  }
}
