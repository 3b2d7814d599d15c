/**
 * The output of buildSchedule: one unit's concrete calendar. Plain JSON (strings, numbers,
 * arrays) so it can be passed into and returned from Temporal workflows.
 */
import type { IsoDate, IsoInstant } from '../calendar/index.js';
import type { Checklist, Deliverable, Recipient, Role, StageOpens, StepKind } from '../plan/schema.js';
import type { UnitFlag, UnitType } from '../unit-types.js';

export interface UnitProfile {
  readonly id: string;
  readonly type: UnitType;
  readonly flags: readonly UnitFlag[];
}

/** opened: the step is open; working_days_before: N working days before the due date;
 *  due_day: the morning of the due day; before: an exact interval before the due instant. */
export type ReminderKind = 'opened' | 'working_days_before' | 'due_day' | 'before';

export interface ScheduledReminder {
  readonly at: IsoInstant;
  readonly kind: ReminderKind;
  /** Chinese, e.g. 截止前3个工作日. */
  readonly label: string;
  readonly to: Role[];
}

export interface ScheduledEscalation {
  readonly level: number;
  readonly at: IsoInstant;
  readonly recipients: Role[];
  readonly cc: Role[];
  readonly label: string;
}

export interface ScheduledChecklist extends Checklist {
  readonly id: string;
}

export interface ScheduledTask {
  /** Unique within the unit's schedule; equal to stepId for planned tasks. */
  readonly taskId: string;
  readonly stageId: string;
  readonly stepId: string;
  readonly title: string;
  readonly kind: StepKind;
  /** Number in the seed table, if the plan gives one. */
  readonly no?: number;
  /** Tasks (of the same stage) this one waits for: it opens once they are all finished. */
  readonly after?: string[];
  /** The step's `duration`: at run time its deadline counts from when its predecessors finished. */
  readonly duration?: string;
  readonly opensAt: IsoInstant;
  readonly dueAt: IsoInstant;
  /** Local calendar date of dueAt, for display and for "N working days before". */
  readonly dueDate: IsoDate;
  /** The 指导组 (or `reviewer`) must approve before the task counts as done (审查把关). */
  readonly needsReview: boolean;
  readonly reviewer?: Role;
  /** 审查时限 from each submission (the step's `review.within`, else the plan's), when the plan sets one. */
  readonly reviewWithin?: string;
  readonly checklist?: ScheduledChecklist;
  /** Gate before a meeting may take place (e.g. 四不上会). */
  readonly precondition?: ScheduledChecklist;
  /** Checklist the unit ticks itself, no approval (e.g. 四明确一承诺). */
  readonly selfCheck?: ScheduledChecklist;
  readonly recipients: Recipient[];
  readonly deliverables: Deliverable[];
  readonly reminders: ScheduledReminder[];
  readonly escalations: ScheduledEscalation[];
}

export interface ScheduledStage {
  readonly stageId: string;
  readonly title: string;
  readonly opens: StageOpens;
  readonly opensAt: IsoInstant;
  readonly dueAt: IsoInstant;
  readonly taskIds: string[];
}

/** Present when the plan has a timeScale: instants were compressed towards `origin`. */
export interface TimeScaleInfo {
  readonly origin: IsoInstant;
  /** Real seconds per plan second (e.g. 10 / 86400 when a plan day lasts 10 s). */
  readonly factor: number;
}

export interface Schedule {
  readonly planId: string;
  readonly unitId: string;
  readonly unitType: UnitType;
  readonly start: IsoInstant;
  readonly timeZone: string;
  readonly timeScale: TimeScaleInfo | null;
  readonly stages: ScheduledStage[];
  readonly tasks: ScheduledTask[];
  /** Chinese notes for the office (missing holiday data, windows that close before they open). */
  readonly warnings: string[];
  /** Years the schedule touches for which the calendar has no public-holiday data (counted Monday–Friday). */
  readonly missingHolidayYears: number[];
}
