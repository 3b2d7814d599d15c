/**
 * The review loop's timing (审查时限): when a submission's review is due, the reminder to the
 * reviewers before it and the escalation after it. Computed by the same rules as a task's own
 * reminders and ladder (retimeTask on a plan whose policies are the review's), so office hours,
 * holidays and compressed demo time behave alike.
 */
import {
  addDays,
  localDateOf,
  ms,
  nextWorkingDay,
  officeStart,
  type IsoInstant,
  type WorkCalendar,
} from '../calendar/index.js';
import type { EscalationPolicy, Plan, ReminderPolicy, Role } from '../plan/schema.js';
import { deadlineAfter, retimeTask } from './plan-time.js';
import type { ScheduledEscalation, ScheduledReminder, ScheduledTask, TimeScaleInfo } from './types.js';

export interface ReviewSchedule {
  dueAt: IsoInstant;
  reminders: ScheduledReminder[];
  escalations: ScheduledEscalation[];
}

/** Delays of the review ladder when the plan's escalation has fewer levels. */
const FALLBACK_AFTER = ['1wd', '3wd'] as const;

/** Level 1 to the 指导组组长, level 2 to the 活动办 (the leader copied), at the plan's first two delays. */
export function reviewLadder(plan: Plan): EscalationPolicy {
  const after = (i: number) => plan.escalation.levels[i]?.after ?? FALLBACK_AFTER[i]!;
  return {
    levels: [
      { level: 1, after: after(0), to: ['group_leader'], cc: [], label: '审查督办（组长）' },
      { level: 2, after: after(1), to: ['office'], cc: ['group_leader'], label: '审查通报（活动办）' },
    ],
  };
}

/** The plan's reminder rules addressed to the reviewers; of them, only the one nearest the limit is sent. */
function reviewReminders(plan: Plan, reviewer: Role): ReminderPolicy {
  return { ...plan.reminders, onOpen: false, to: [reviewer] };
}

/** The review of a task submitted at `submittedAt` (real instant), or undefined when its plan sets no limit. */
export function reviewSchedule(
  plan: Plan,
  cal: WorkCalendar,
  ts: TimeScaleInfo | null,
  task: ScheduledTask,
  submittedAt: IsoInstant,
): ReviewSchedule | undefined {
  if (!task.reviewWithin) return undefined;
  const dueAt = deadlineAfter(plan, cal, ts, submittedAt, task.reviewWithin);
  const reviewPlan: Plan = {
    ...plan,
    reminders: reviewReminders(plan, task.reviewer ?? 'supervisor_group'),
    escalation: reviewLadder(plan),
  };
  const timed = retimeTask(reviewPlan, cal, ts, task, submittedAt, dueAt);
  const last = timed.reminders.at(-1);
  return { dueAt, reminders: last ? [last] : [], escalations: timed.escalations };
}

/** How many working-day starts after `submittedAt` are kept for readers (第 N 个工作日 up to N = this + 1). */
export const REVIEW_DAY_STARTS = 30;

/**
 * The instants at which a waiting review enters its next working day: the office opening of each
 * working day after the submission's. A reader counts those before now (第 N 个工作日 = 1 + count)
 * without a calendar. Continuous (demo) calendars count calendar days.
 */
export function reviewDayStarts(
  cal: WorkCalendar,
  submittedAt: IsoInstant,
  count = REVIEW_DAY_STARTS,
): IsoInstant[] {
  const out: IsoInstant[] = [];
  let day = localDateOf(cal, submittedAt);
  for (let i = 0; i < count; i++) {
    day = cal.kind === 'continuous' ? addDays(day, 1) : nextWorkingDay(cal, addDays(day, 1), true);
    const at = officeStart(cal, day);
    if (ms(at) > ms(submittedAt)) out.push(at);
  }
  return out;
}
