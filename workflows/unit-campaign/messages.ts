/**
 * The public surface of the unit campaign workflow: its input, every Update / Signal / Query and
 * their payloads with their schemas, and the table of unit operations. Clients (CLI, API, batch
 * operations, the console's types) import only this file, so it must stay free of workflow-internal
 * imports: the SDK's define* helpers, zod and the pure input rules of domain/input only.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { dueText, fileRef, id, integer, text } from '../../domain/input/fields.js';
import { personId, taskId } from './message-fields.js';
import type { CampaignPhase, TaskStatus, UnitCampaignStatus } from './status-view.js';
import { DecideExtensionRequest, RequestExtensionRequest } from './extension-messages.js';
import { decideExtensionUpdate, requestExtensionUpdate } from './extension-messages.js';
import { AddAdHocItemRequest, CancelRequest, OfficeRequest, ResumeRequest } from './office-messages.js';
import { ShiftDatesRequest, WaiveTaskRequest } from './office-messages.js';
import { addAdHocItemUpdate, cancelUpdate, pauseUpdate, resumeUpdate } from './office-messages.js';
import { shiftDatesUpdate, waiveTaskUpdate } from './office-messages.js';

export * from './extension-messages.js';
export * from './office-messages.js';
export * from './calendar-messages.js';

// ───────────────────────────── input (input.ts) ─────────────────────────────

export type { CampaignPerson, CampaignUnit, PlanRef, UnitCampaignInput } from './input.js';

// ───────────────────────────── state as seen from outside (status-view.ts) ─────────────────────────────

export type {
  TaskStatus,
  TaskOrigin,
  TaskView,
  ReviewView,
  ExtensionRequestView,
  EscalationView,
  SurveyRecord,
  TimelineEntry,
  CampaignPhase,
  UnitCampaignStatus,
  UnitHealthView,
  UnitCampaignResult,
} from './status-view.js';

// ───────────────────────────── Update payloads ─────────────────────────────
//
// One zod schema per payload, and its type derived from it. Everything else checks against these:
// the API body (the schema without the acting person, who comes from the token), the OpenAPI
// document, the console's wire types, and the structural half of the workflow's validators (the
// other half reads the unit's state). Strict: unknown fields, wrong types and unprintable text are
// refused, never coerced.

/** Who may act, as the workflow knows people from its input. */
export type Actor = 'liaison' | 'unit_head' | 'supervisor_group' | 'office';

export const SubmitDeliverableRequest = z.strictObject({
  taskId,
  /** The unit's liaison or head. */
  submittedBy: personId,
  summary: text('简要说明', 2000).describe('简要说明'),
  /** References to stored files; never file bodies. */
  fileRefs: z.array(fileRef).max(50).describe('已上传文件的引用（sha256:…），先用 /files 上传'),
});
export type SubmitDeliverableRequest = z.infer<typeof SubmitDeliverableRequest>;

export const ReviewDeliverableRequest = z.strictObject({
  taskId,
  /** A member of this unit's 指导组, or the office. */
  reviewedBy: personId,
  decision: z.enum(['approve', 'return']).describe('approve 通过，return 退回'),
  /** Required when returning (or failedItems): why, in words the unit can act on. */
  reasons: z.array(text('退回理由', 500)).max(20).optional().describe('退回时必填：单位可据以修改的理由'),
  /** Ids of the task's checklist items that failed (e.g. 四不通过 items); must belong to its checklist. */
  failedItems: z.array(id('检查项编号', 100)).max(20).optional().describe('未通过的检查项（如四不通过）'),
});
export type ReviewDeliverableRequest = z.infer<typeof ReviewDeliverableRequest>;

export const AcknowledgeEscalationRequest = z.strictObject({
  taskId,
  level: integer().min(1).max(9).describe('督办级别'),
  /** 指导组 member or office. */
  by: personId,
  note: text('说明', 500).optional().describe('说明'),
});
export type AcknowledgeEscalationRequest = z.infer<typeof AcknowledgeEscalationRequest>;

export const ExtendDeadlineRequest = z.strictObject({
  taskId,
  /** A date (due at office closing that day) or an instant; later than now and than the current deadline. */
  newDue: dueText.describe('新的截止时间：日期（2009-12-20）或带时区的时刻（2009-12-20T17:30:00+08:00）'),
  by: personId,
  reason: text('延期理由', 500).describe('延期理由'),
});
export type ExtendDeadlineRequest = z.infer<typeof ExtendDeadlineRequest>;

export const AddGapItemRequest = z.strictObject({
  /** 指导组 member or office. */
  by: personId,
  title: text('事项名称', 100).describe('事项名称'),
  note: text('说明', 500).optional().describe('说明'),
  /** Defaults to the plan's 回头看 gap deadline from now. */
  due: dueText.optional().describe('截止时间：日期（2009-12-20）或带时区的时刻；缺省为计划的查缺补缺期限'),
});
export type AddGapItemRequest = z.infer<typeof AddGapItemRequest>;

const SURVEY_METHODS = ['集中评议', '无记名投票', '随机抽样'] as const;
export type SurveyMethod = (typeof SURVEY_METHODS)[number];

const headcount = (description: string) => integer().min(0).describe(description);

export const RecordSurveyRequest = z.strictObject({
  /** 指导组 member or office. */
  by: personId,
  satisfied: headcount('满意人数'),
  basicallySatisfied: headcount('基本满意人数'),
  dissatisfied: headcount('不满意人数'),
  /** Must equal the sum of the three counts. */
  respondents: headcount('参评人数（三项之和）'),
  method: z.enum(SURVEY_METHODS).describe('测评方式'),
});
export type RecordSurveyRequest = z.infer<typeof RecordSurveyRequest>;

/** 督导记录: what the 指导组 (or the office) did with the unit, kept in its 大事记 and archive. */
export const RecordSupervisionRequest = z.strictObject({
  by: personId,
  summary: text('督导情况', 1000).describe(
    '督导情况：到单位督导检查、列席会议、个别谈话、发现的问题和提出的要求',
  ),
});
export type RecordSupervisionRequest = z.infer<typeof RecordSupervisionRequest>;

/**
 * What every Update returns: a short acknowledgement, not the unit's status. Update results are
 * stored in history, so a full status per Update would grow a lifecycle's history by hundreds of
 * kilobytes; read the status Query for the whole picture.
 */
export interface UpdateAck {
  /** The task acted on or created (the new 查缺补缺 / 督办 item's id); absent for unit-wide operations. */
  taskId?: string;
  /** That task's state after the change. */
  status?: TaskStatus;
  /** Its deadline after the change. */
  dueAt?: string;
  /** The unit's phase after the change. */
  phase: CampaignPhase;
  /** What happened, in Chinese (the entry the Update added to the timeline). */
  message: string;
}

// ───────────────────────────── message definitions ─────────────────────────────

/** Every Update returns an UpdateAck; the status Query gives the whole unit. */
export const submitDeliverableUpdate = defineUpdate<UpdateAck, [SubmitDeliverableRequest]>(
  'submitDeliverable',
);
export const reviewDeliverableUpdate = defineUpdate<UpdateAck, [ReviewDeliverableRequest]>(
  'reviewDeliverable',
);
export const acknowledgeEscalationUpdate = defineUpdate<UpdateAck, [AcknowledgeEscalationRequest]>(
  'acknowledgeEscalation',
);
export const extendDeadlineUpdate = defineUpdate<UpdateAck, [ExtendDeadlineRequest]>('extendDeadline');
export const addGapItemUpdate = defineUpdate<UpdateAck, [AddGapItemRequest]>('addGapItem');
export const recordSurveyUpdate = defineUpdate<UpdateAck, [RecordSurveyRequest]>('recordSurvey');
export const recordSupervisionUpdate = defineUpdate<UpdateAck, [RecordSupervisionRequest]>(
  'recordSupervision',
);

/**
 * Publishes the unit's status to the read model again (after a repair, or for runs that began before
 * the read model existed). Answers once it is there.
 */
export const refreshStatusUpdate = defineUpdate<void, []>('refreshStatus');

/** Diagnostics only: the product reads status from the read model, never by Querying a running workflow. */
export const statusQuery = defineQuery<UnitCampaignStatus>('status');

/** Fire-and-forget form of cancel for batch tools that cannot wait for each unit. */
export const cancelSignal = defineSignal<[CancelRequest]>('cancelCampaign');

export const UNIT_CAMPAIGN_WORKFLOW_TYPE = 'unitCampaignWorkflow';

// ───────────────────────────── the unit operations ─────────────────────────────

/**
 * Every operation on one unit, named as clients name it: its Update, its payload schema, which
 * field names the acting person and who may be that person, and how people call it. The service
 * layer, the API routes and their access rules, the OpenAPI document and the command line are
 * derived from this table, so a new operation is one entry here (plus its rule in the workflow).
 */
function operation<const S extends z.ZodObject, const A extends keyof S['shape'] & string>(o: {
  update: ReturnType<typeof defineUpdate<UpdateAck, [z.infer<S>]>>;
  request: S;
  /** The payload field naming who acts; the API fills it from the token. */
  actor: A;
  actors: readonly Actor[];
  /** Short, for the command line and refusals (已报送, 无权延期). */
  label: string;
  /** For the API document. */
  summary: string;
  /** URL segment of …/units/:unitId/<path> and …/batch/<path>. */
  path: string;
  /** Whether the office may send it to many units at once (by unit type, 指导组 or stage). */
  batch: boolean;
}) {
  return o;
}

const GROUP_OR_OFFICE: readonly Actor[] = ['supervisor_group', 'office'];
const OFFICE: readonly Actor[] = ['office'];

export const UNIT_OPERATIONS = {
  submit: operation({
    update: submitDeliverableUpdate,
    request: SubmitDeliverableRequest,
    actor: 'submittedBy',
    actors: ['liaison', 'unit_head'],
    label: '报送',
    summary: '报送材料',
    path: 'submit',
    batch: false,
  }),
  review: operation({
    update: reviewDeliverableUpdate,
    request: ReviewDeliverableRequest,
    actor: 'reviewedBy',
    actors: GROUP_OR_OFFICE,
    label: '审查',
    summary: '审查材料',
    path: 'review',
    batch: false,
  }),
  acknowledge: operation({
    update: acknowledgeEscalationUpdate,
    request: AcknowledgeEscalationRequest,
    actor: 'by',
    actors: GROUP_OR_OFFICE,
    label: '确认督办',
    summary: '确认督办',
    path: 'acknowledge',
    batch: false,
  }),
  extend: operation({
    update: extendDeadlineUpdate,
    request: ExtendDeadlineRequest,
    actor: 'by',
    actors: GROUP_OR_OFFICE,
    label: '延期',
    summary: '延期',
    path: 'extend',
    batch: true,
  }),
  requestExtension: operation({
    update: requestExtensionUpdate,
    request: RequestExtensionRequest,
    actor: 'requestedBy',
    actors: ['liaison', 'unit_head'],
    label: '申请延期',
    summary: '申请延期（延期申请）',
    path: 'extension-request',
    batch: false,
  }),
  decideExtension: operation({
    update: decideExtensionUpdate,
    request: DecideExtensionRequest,
    actor: 'decidedBy',
    actors: GROUP_OR_OFFICE,
    label: '审批延期申请',
    summary: '审批延期申请（同意或不同意）',
    path: 'extension-decision',
    batch: false,
  }),
  addGap: operation({
    update: addGapItemUpdate,
    request: AddGapItemRequest,
    actor: 'by',
    actors: GROUP_OR_OFFICE,
    label: '增加查缺补缺事项',
    summary: '增加查缺补缺事项',
    path: 'gap-items',
    batch: true,
  }),
  survey: operation({
    update: recordSurveyUpdate,
    request: RecordSurveyRequest,
    actor: 'by',
    actors: GROUP_OR_OFFICE,
    label: '录入测评结果',
    summary: '录入满意度测评结果',
    path: 'survey',
    batch: false,
  }),
  supervise: operation({
    update: recordSupervisionUpdate,
    request: RecordSupervisionRequest,
    actor: 'by',
    actors: GROUP_OR_OFFICE,
    label: '记录督导情况',
    summary: '记录督导情况（记入单位大事记，随单位档案归档）',
    path: 'supervision',
    batch: false,
  }),
  pause: operation({
    update: pauseUpdate,
    request: OfficeRequest,
    actor: 'by',
    actors: OFFICE,
    label: '暂停',
    summary: '暂停本单位',
    path: 'pause',
    batch: true,
  }),
  resume: operation({
    update: resumeUpdate,
    request: ResumeRequest,
    actor: 'by',
    actors: OFFICE,
    label: '恢复',
    summary: '恢复本单位',
    path: 'resume',
    batch: true,
  }),
  shift: operation({
    update: shiftDatesUpdate,
    request: ShiftDatesRequest,
    actor: 'by',
    actors: OFFICE,
    label: '整体调整日期',
    summary: '整体调整日期',
    path: 'shift',
    batch: true,
  }),
  waive: operation({
    update: waiveTaskUpdate,
    request: WaiveTaskRequest,
    actor: 'by',
    actors: OFFICE,
    label: '免除任务',
    summary: '免除事项',
    path: 'waive',
    batch: true,
  }),
  adhoc: operation({
    update: addAdHocItemUpdate,
    request: AddAdHocItemRequest,
    actor: 'by',
    actors: OFFICE,
    label: '增加督办事项',
    summary: '增加督办事项',
    path: 'adhoc',
    batch: true,
  }),
  cancel: operation({
    update: cancelUpdate,
    request: CancelRequest,
    actor: 'by',
    actors: OFFICE,
    label: '撤销',
    summary: '撤销本单位活动',
    path: 'cancel',
    batch: true,
  }),
} as const;

export type Operation = keyof typeof UNIT_OPERATIONS;
export const OPERATIONS = Object.keys(UNIT_OPERATIONS) as Operation[];
/** The payload of each operation's Update. */
export type OperationRequests = { [Op in Operation]: z.infer<(typeof UNIT_OPERATIONS)[Op]['request']> };
