/**
 * The public surface of the unit campaign workflow: its input, every Update / Signal / Query and
 * their payloads. Clients (CLI, API, batch operations) import only this file, so it must stay
 * free of workflow-internal imports beyond the SDK's define* helpers.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { UnitFlag, UnitType } from '../../domain/unit-types.js';

// ───────────────────────────── input ─────────────────────────────

/** A person the workflow may notify and who may act on the unit. `id` is what Updates name. */
export interface CampaignPerson {
  id: string;
  name: string;
  email?: string;
  /** Bare 11-digit mainland number. */
  mobile?: string;
}

export interface CampaignUnit {
  id: string;
  name: string;
  type: UnitType;
  flags: UnitFlag[];
  /** 第一责任人. */
  head: CampaignPerson;
  /** 联络员. */
  liaison: CampaignPerson;
  /** The unit's 指导组: its members review deliverables and receive 督办. */
  group: {
    id: string;
    name: string;
    members: CampaignPerson[];
    dingtalkWebhook?: string;
    wecomWebhook?: string;
  };
  /** 结对共建单位, copied on escalations. */
  pairedAgency?: { name: string; email?: string };
}

/** Plans travel by reference: the worker loads `plans/<id>.yaml` and checks its hash. */
export interface PlanRef {
  id: string;
  /** Lower-case hex SHA-256 of the plan file's bytes. */
  sha256: string;
}

export interface UnitCampaignInput {
  campaignId: string;
  /** 活动名称, printed in every notification. */
  campaignTitle: string;
  planRef: PlanRef;
  unit: CampaignUnit;
  /** 活动办: receives 通报 and results; its members may act with the office's rights. */
  office: { name: string; members: CampaignPerson[] };
  /** 区主要负责同志, when the plan sends something to `district_leader`. */
  districtLeader?: CampaignPerson;
  /** ISO date (office opening that day) or ISO instant. */
  start: string;
  /** Continue-as-new after this many history events (default 8000; tests lower it). */
  historyEventLimit?: number;
  /** Set by the workflow itself when it continues as new: the whole state of the previous run. */
  carried?: unknown;
}

// ───────────────────────────── state as seen from outside ─────────────────────────────

export type TaskStatus =
  /** Not open yet (its stage or its window has not begun). */
  | 'pending'
  | 'open'
  /** Returned by the 指导组; open again with a new deadline. */
  | 'returned'
  /** Submitted, waiting for the 指导组's review. */
  | 'submitted'
  | 'done'
  | 'waived';

export type TaskOrigin = 'plan' | 'gap' | 'remedial' | 'adhoc' | 'progress';

export interface TaskView {
  taskId: string;
  stageId: string;
  title: string;
  kind: string;
  origin: TaskOrigin;
  status: TaskStatus;
  opensAt: string;
  dueAt: string;
  needsReview: boolean;
  /** 查缺补缺: reopened by the 回头看. */
  gap: boolean;
  overdue: boolean;
  /** Completed (submitted or approved) after its deadline at least once. */
  late: boolean;
  submissions: number;
  returns: number;
  /** Highest escalation level reached for the current deadline (0 = none). */
  escalationLevel: number;
  completedAt?: string;
  lastReturn?: { reasons: string[]; failedItems: string[] };
}

export interface EscalationView {
  taskId: string;
  level: number;
  label: string;
  firedAt: string;
  repeats: number;
  acknowledged: boolean;
  nextRepeatAt?: string;
}

export interface SurveyRecord {
  round: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  respondents: number;
  method: SurveyMethod;
  dissatisfiedShare: number;
  remedialNeeded: boolean;
  recordedAt: string;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  /** Chinese, for people. */
  text: string;
}

export type CampaignPhase = 'running' | 'paused' | 'completed' | 'cancelled';

export interface UnitCampaignStatus {
  campaignId: string;
  unitId: string;
  unitName: string;
  planId: string;
  phase: CampaignPhase;
  /** Current stage id, or `done` once every stage is complete. */
  stage: string;
  stages: { stageId: string; title: string; status: 'pending' | 'open' | 'complete'; opensAt: string; dueAt: string }[];
  tasks: TaskView[];
  overdueCount: number;
  openEscalations: EscalationView[];
  surveys: SurveyRecord[];
  remedialRound: number;
  lookBackDone: boolean;
  pausedAt?: string;
  /** Most recent last; bounded (older entries are dropped, `timelineDropped` counts them). */
  timeline: TimelineEntry[];
  timelineDropped: number;
  /** Runs so far (continue-as-new count + 1). */
  run: number;
}

export interface UnitCampaignResult {
  campaignId: string;
  unitId: string;
  outcome: 'completed' | 'cancelled';
  startedAt: string;
  finishedAt: string;
  cancelReason?: string;
  lateTasks: string[];
  waivedTasks: string[];
  escalationsSent: number;
  highestEscalationLevel: number;
  surveyRounds: number;
  /** satisfied | remedied (passed after 补课) | failed_escalated | failed_closed | none (no survey). */
  surveyOutcome: 'satisfied' | 'remedied' | 'failed_escalated' | 'failed_closed' | 'none';
  notificationsSent: number;
}

// ───────────────────────────── Update payloads ─────────────────────────────

export interface SubmitDeliverableRequest {
  taskId: string;
  /** Person id: the unit's liaison or head. */
  submittedBy: string;
  /** Short text (≤ 2000 characters). */
  summary: string;
  /** `sha256:<64 hex>` references to stored files; never file bodies. */
  fileRefs: string[];
}

export interface ReviewDeliverableRequest {
  taskId: string;
  /** Person id: a member of this unit's 指导组 (or the office). */
  reviewedBy: string;
  decision: 'approve' | 'return';
  /** Required when returning: why, in words the unit can act on. */
  reasons?: string[];
  /** Ids of the task's checklist items that failed (e.g. 四不通过 items); must belong to its checklist. */
  failedItems?: string[];
}

export interface AcknowledgeEscalationRequest {
  taskId: string;
  level: number;
  /** 指导组 member or office. */
  by: string;
  note?: string;
}

export interface ExtendDeadlineRequest {
  taskId: string;
  /** ISO date (due at office closing that day) or ISO instant; must be later than now and than the current deadline. */
  newDue: string;
  by: string;
  reason: string;
}

export interface AddGapItemRequest {
  /** 指导组 member or office. */
  by: string;
  title: string;
  note?: string;
  /** Defaults to the plan's 回头看 gap deadline from now. */
  due?: string;
}

export type SurveyMethod = '集中评议' | '无记名投票' | '随机抽样';
export const SURVEY_METHODS: readonly SurveyMethod[] = ['集中评议', '无记名投票', '随机抽样'];

export interface RecordSurveyRequest {
  /** 指导组 member or office. */
  by: string;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  /** Must equal the sum of the three counts. */
  respondents: number;
  method: SurveyMethod;
}

export interface OfficeRequest {
  /** An office member's id. */
  by: string;
  reason?: string;
}

export interface ResumeRequest extends OfficeRequest {
  /** Override the shift (`5wd`, `3d`, `2h`); default: the paused duration, in whole days (clock time for continuous calendars). */
  shiftBy?: string;
}

export interface ShiftDatesRequest extends OfficeRequest {
  /** Duration: `5wd`, `7d`, `1mo`, `2h` (later only). Moves every task not yet finished and every stage not yet open. */
  shift: string;
}

export interface WaiveTaskRequest extends OfficeRequest {
  taskId: string;
  reason: string;
}

export interface AddAdHocItemRequest extends OfficeRequest {
  title: string;
  /** ISO date or instant. */
  due: string;
  note?: string;
}

export interface CancelRequest extends OfficeRequest {
  reason: string;
}

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
export const submitDeliverableUpdate = defineUpdate<UpdateAck, [SubmitDeliverableRequest]>('submitDeliverable');
export const reviewDeliverableUpdate = defineUpdate<UpdateAck, [ReviewDeliverableRequest]>('reviewDeliverable');
export const acknowledgeEscalationUpdate = defineUpdate<UpdateAck, [AcknowledgeEscalationRequest]>('acknowledgeEscalation');
export const extendDeadlineUpdate = defineUpdate<UpdateAck, [ExtendDeadlineRequest]>('extendDeadline');
export const addGapItemUpdate = defineUpdate<UpdateAck, [AddGapItemRequest]>('addGapItem');
export const recordSurveyUpdate = defineUpdate<UpdateAck, [RecordSurveyRequest]>('recordSurvey');
export const pauseUpdate = defineUpdate<UpdateAck, [OfficeRequest]>('pause');
export const resumeUpdate = defineUpdate<UpdateAck, [ResumeRequest]>('resume');
export const shiftDatesUpdate = defineUpdate<UpdateAck, [ShiftDatesRequest]>('shiftDates');
export const waiveTaskUpdate = defineUpdate<UpdateAck, [WaiveTaskRequest]>('waiveTask');
export const addAdHocItemUpdate = defineUpdate<UpdateAck, [AddAdHocItemRequest]>('addAdHocItem');
export const cancelUpdate = defineUpdate<UpdateAck, [CancelRequest]>('cancel');

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
