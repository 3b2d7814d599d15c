/**
 * The shapes of the unit campaign's state machine: the plain JSON state a workflow carries (and
 * hands to its next run when it continues as new), and the context fixed for its whole life.
 */
import type { CalendarYearData, WorkCalendar } from '../../../domain/calendar/index.js';
import type { Channel, Plan, Role } from '../../../domain/plan/schema.js';
import type { EventKind } from '../../../domain/routing/event-kinds.js';
import type {
  ScheduledEscalation,
  ScheduledReminder,
  ScheduledTask,
  TimeScaleInfo,
  UnitProfile,
} from '../../../domain/schedule/index.js';
import type {
  CampaignPhase,
  SurveyRecord,
  TaskOrigin,
  TaskStatus,
  TimelineEntry,
  UnitCampaignResult,
} from '../messages.js';

export type Fact = string | number | boolean | null | readonly Fact[] | { readonly [k: string]: Fact };

/** A notification waiting to be delivered. `id` is the idempotency key: never reused for another message. */
export interface Outgoing {
  id: string;
  event: EventKind;
  facts: Record<string, Fact>;
  /** Resolved from the plan's routing when queued, so a message keeps its route across retries. */
  to: Role[];
  cc: Role[];
  channels: Channel[];
  ignoreQuietHours: boolean;
  /** Set when the activity deferred it (quiet hours): try again at this instant. */
  notBefore?: string;
}

export interface TaskState {
  sched: ScheduledTask;
  origin: TaskOrigin;
  required: boolean;
  status: TaskStatus;
  /** Bumped whenever the deadline changes, so reminders and escalations of the new deadline get new ids. */
  rev: number;
  /** Index of the next reminder in sched.reminders not yet handled. */
  nextReminder: number;
  /** Index of the next escalation level in sched.escalations not yet fired. */
  nextEscalation: number;
  /** Fired levels of the current deadline, with repeat counts. */
  fired: { level: number; label: string; at: string; repeats: number; acknowledged: boolean }[];
  repeatAt?: string;
  gap: boolean;
  late: boolean;
  submissions: number;
  returns: number;
  completedAt?: string;
  lastReturn?: { reasons: string[]; failedItems: string[] };
  note?: string;
  /** The review the current submission waits for (review loop); absent in runs from before it. */
  review?: ReviewState;
  /** The open 延期申请 (extension-request); absent when none waits. */
  extension?: ExtensionState;
  /** 延期申请 made for this task so far (numbers their notification ids). */
  extensionRequests?: number;
}

/** A 延期申请 waiting for its decider, with the wait's reminder and ladder (as a review's). */
export interface ExtensionState {
  n: number;
  requestedAt: string;
  requestedBy: string;
  /** As the unit typed it (a date or an instant), applied as the office's extend applies it. */
  newDue: string;
  newDueAt: string;
  reason: string;
  workingDays: number;
  decider: 'supervisor_group' | 'office';
  /** 审批时限 (plan `extension.within`); absent when the plan sets none. */
  dueAt?: string;
  reminders: ScheduledReminder[];
  escalations: ScheduledEscalation[];
  nextReminder: number;
  nextEscalation: number;
  level: number;
}

/** One submission waiting for the 指导组: when it came, its limit and the loop's reminder and ladder. */
export interface ReviewState {
  submission: number;
  submittedAt: string;
  /** 审查时限; absent when the plan sets none (the reviewers are still told, nothing escalates). */
  dueAt?: string;
  reminders: ScheduledReminder[];
  escalations: ScheduledEscalation[];
  nextReminder: number;
  nextEscalation: number;
  /** Highest ladder level fired (0 = none). */
  level: number;
}

export interface StageState {
  stageId: string;
  title: string;
  opens: 'calendar' | 'after_previous';
  opensAt: string;
  dueAt: string;
  status: 'pending' | 'open' | 'complete';
  taskIds: string[];
}

/** Bumped whenever the carried shape changes; carried.ts holds the step from each older version. */
export const STATE_VERSION = 2;

export interface CampaignState {
  /** Shape of this object; carried.ts upgrades older ones when a run continues as new. */
  version: typeof STATE_VERSION;
  phase: CampaignPhase;
  startedAt: string;
  stages: StageState[];
  tasks: TaskState[];
  outbox: Outgoing[];
  sent: number;
  escalationsSent: number;
  highestLevel: number;
  surveys: SurveyRecord[];
  remedialRound: number;
  surveyOutcome: UnitCampaignResult['surveyOutcome'];
  lookBackDone: boolean;
  gapItemsAdded: number;
  adHocAdded: number;
  pausedAt?: string;
  cancelReason?: string;
  finishedAt?: string;
  timeline: TimelineEntry[];
  timelineDropped: number;
  run: number;
  /** Holiday years the office loaded, joined to the plan's calendar (absent in runs from before). */
  calendarYears?: CalendarYearData[];
}

/** Everything fixed for the life of the workflow that the transitions need. */
export interface Ctx {
  plan: Plan;
  cal: WorkCalendar;
  timeScale: TimeScaleInfo | null;
  /**
   * Deadlines set at run time (returns, 回头看 gaps, 补课, repeats, after_previous stages) count
   * in plan time when the plan has a timeScale. Decided by the workflow (patched), because runs
   * started before this computed them in real time and must replay that way.
   */
  runTimeInPlanTime?: boolean;
  /**
   * Steps with `after` open when their predecessors are finished, and a `duration` counts from
   * then (patch step-order; asked only for plans that order steps, so older histories carry no marker).
   */
  stepOrder?: boolean;
  unit: UnitProfile;
  /** Behaviour the workflow turned on with patched() (runs from before keep the old one). */
  features?: { reviewLoop?: boolean; extensionRequests?: boolean };
  /** Ids of the 活动办's members (a 延期申请 decided by one of them is the office's decision). */
  officeIds?: readonly string[];
  start: string;
  campaignId: string;
  campaignTitle: string;
  unitName: string;
  groupName: string;
  pairedAgencyName?: string;
}

/** A task in either of these states counts as finished: it no longer holds up its stage. */
export const FINISHED: readonly TaskStatus[] = ['done', 'waived'];
/** A task in either of these states is waiting for the unit: reminders and escalations run. */
export const ACTIVE: readonly TaskStatus[] = ['open', 'returned'];
