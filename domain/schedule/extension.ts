/**
 * 延期申请 timing: how many working days an extension adds (which decides who may approve it),
 * and how long its decider has before it is escalated (the plan's `extension.within`): one
 * reminder to the decider before the limit, then the 指导组组长 and the 活动办 after it (or the
 * 活动办 alone when it is the decider). The same placement rules as a review's (retimeTask).
 */
import { addDays, localDateOf, type IsoInstant, type WorkCalendar } from '../calendar/index.js';
import type { EscalationPolicy, Plan } from '../plan/schema.js';
import { deadlineAfter, retimeTask } from './plan-time.js';
import { reviewLadder, type ReviewSchedule } from './review.js';
import type { ScheduledTask, TimeScaleInfo } from './types.js';

/** Who decides a request: the unit's 指导组 within its limit, else the 活动办. */
export type ExtensionDecider = 'supervisor_group' | 'office';

/**
 * Working days a deadline moves from `from` to `to` (the days after `from` up to and including
 * `to`); calendar days for continuous (demo) calendars.
 */
export function extensionWorkingDays(cal: WorkCalendar, from: IsoInstant, to: IsoInstant): number {
  const a = localDateOf(cal, from);
  const b = localDateOf(cal, to);
  let n = 0;
  for (let d = addDays(a, 1), guard = 0; d <= b && guard < 3660; d = addDays(d, 1), guard++)
    if (cal.kind === 'continuous' || cal.isWorkingDay(d)) n++;
  return n;
}

/** The group decides up to the plan's limit; without an `extension` section every request goes to the office. */
export function extensionDecider(plan: Plan, workingDays: number): ExtensionDecider {
  const max = plan.extension?.groupMaxWorkingDays;
  return max !== undefined && workingDays <= max ? 'supervisor_group' : 'office';
}

function extensionLadder(plan: Plan, decider: ExtensionDecider): EscalationPolicy {
  const ladder = reviewLadder(plan);
  if (decider === 'supervisor_group')
    return {
      levels: ladder.levels.map((l, i) => ({
        ...l,
        label: i === 0 ? '延期审批督办（组长）' : '延期审批通报（活动办）',
      })),
    };
  const first = ladder.levels[0]!;
  return { levels: [{ ...first, to: ['office'], cc: [], label: '延期审批超期（活动办）' }] };
}

/** The wait of a request made at `requestedAt` (real instant), or undefined when the plan sets no limit. */
export function extensionSchedule(
  plan: Plan,
  cal: WorkCalendar,
  ts: TimeScaleInfo | null,
  task: ScheduledTask,
  requestedAt: IsoInstant,
  decider: ExtensionDecider,
): ReviewSchedule | undefined {
  const within = plan.extension?.within;
  if (!within) return undefined;
  const dueAt = deadlineAfter(plan, cal, ts, requestedAt, within);
  const waitPlan: Plan = {
    ...plan,
    reminders: { ...plan.reminders, onOpen: false, to: [decider] },
    escalation: extensionLadder(plan, decider),
  };
  const timed = retimeTask(waitPlan, cal, ts, task, requestedAt, dueAt);
  const last = timed.reminders.at(-1);
  return { dueAt, reminders: last ? [last] : [], escalations: timed.escalations };
}
