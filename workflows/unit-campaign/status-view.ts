/**
 * The unit as seen from outside: the status the workflow publishes to the read model (and answers
 * the diagnostics Query with), its tasks, reviews, escalations, surveys and timeline, and the
 * run's result. Types only; clients import them through messages.ts.
 */
import type { SurveyMethod } from './messages.js';

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
  /** Submitted and waiting for the 指导组 (review loop): since when, its limit, 第 N 个工作日. */
  review?: ReviewView;
  /**
   * A step that follows others (`after` in the plan) and is not open yet because these of them
   * are not finished: their titles, in plan order (shown as 等待前序步骤：…).
   */
  waitingFor?: string[];
  /** An open 延期申请 for this task, waiting for its decider. */
  extensionRequest?: ExtensionRequestView;
}

/** A 延期申请 waiting for a decision, as the unit page, the group page and the office list show it. */
export interface ExtensionRequestView {
  /** 1 for the task's first request. */
  n: number;
  requestedAt: string;
  requestedBy: string;
  /** The deadline asked for (an instant). */
  newDueAt: string;
  reason: string;
  /** Working days the deadline would move. */
  workingDays: number;
  /** Who decides: the 指导组 (within the plan's limit) or the 活动办 (报活动办审批). */
  decider: 'supervisor_group' | 'office';
  /** 审批时限, when the plan sets `extension.within`. */
  decideBy?: string;
  /** Highest level of the wait's ladder fired (0 none). */
  escalationLevel: number;
}

/** A submission waiting for review, as readers show it: 等待审查（第 N 个工作日） (domain/review-wait.ts). */
export interface ReviewView {
  submittedAt: string;
  /** 审查时限, when the plan sets one. */
  dueAt?: string;
  /** Instants at which the wait enters its next working day (readers recount N with them). */
  dayStarts: string[];
  /** 第 N 个工作日 at publishing (the submission's day is the first); statusAsOf recounts it. */
  workingDay: number;
  /** Past its 审查时限. */
  overdue: boolean;
  /** Highest level of the review ladder fired (1 组长, 2 活动办; 0 none). */
  escalationLevel: number;
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
  stages: {
    stageId: string;
    title: string;
    status: 'pending' | 'open' | 'complete';
    opensAt: string;
    dueAt: string;
  }[];
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
  /**
   * Set by the service layer from the health scan, never by the workflow: the unit's workflow task
   * keeps failing, so nothing moves until someone repairs it (`campaign repair`).
   */
  health?: UnitHealthView;
}

export interface UnitHealthView {
  state: 'stuck';
  /** 流程异常，需要技术处理. */
  label: string;
  /** The failing task's error, as the worker reported it. */
  error: string;
  /** Failed attempts so far. */
  failures: number;
  /** Stuck since (as first seen by the scan), ISO. */
  since: string;
  checkedAt: string;
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
