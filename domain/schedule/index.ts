export * from './types.js';
export { buildSchedule, missingHolidayYearWarning } from './build.js';
export { rescheduleTask, shiftTasks, type RescheduleContext } from './reschedule.js';
export { computeReminders } from './reminders.js';
export { computeEscalations, nextEscalationRepeat } from './escalations.js';
export { calendarForPlan } from './plan-calendar.js';
export { appliesTo } from './applies.js';
export { anchorOf, type Anchor } from './resolve.js';
export {
  addPlanDuration,
  deadlineAfter,
  dueOnPlanDate,
  escalationRepeatAfter,
  planMillis,
  retimeTask,
  scheduleStageOpenedAt,
} from './plan-time.js';
export {
  REVIEW_DAY_STARTS,
  reviewDayStarts,
  reviewLadder,
  reviewSchedule,
  type ReviewSchedule,
} from './review.js';
export {
  extensionDecider,
  extensionSchedule,
  extensionWorkingDays,
  type ExtensionDecider,
} from './extension.js';
