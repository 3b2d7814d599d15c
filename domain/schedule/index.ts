export * from './types.js';
export { buildSchedule, missingHolidayYearWarning, scheduleStage, taskForStep } from './build.js';
export { rescheduleTask, shiftTasks, type RescheduleContext } from './reschedule.js';
export { computeReminders } from './reminders.js';
export { computeEscalations, nextEscalationRepeat, delayAfter } from './escalations.js';
export { calendarForPlan } from './plan-calendar.js';
export { appliesTo, planServesUnitType } from './applies.js';
export { anchorOf, anchorAt, type Anchor } from './resolve.js';
export {
  addPlanDuration,
  deadlineAfter,
  dueOnPlanDate,
  escalationRepeatAfter,
  planMillis,
  retimeTask,
  scheduleStageOpenedAt,
  viaPlanTime,
} from './plan-time.js';
export { REVIEW_DAY_STARTS, reviewDayStarts, reviewLadder, reviewSchedule, type ReviewSchedule } from './review.js';
