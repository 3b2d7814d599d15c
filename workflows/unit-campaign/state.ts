/**
 * The unit campaign as a pure state machine: events (timer ticks, Updates) change a plain JSON
 * state and append notifications to its outbox; the workflow only drains the outbox through the
 * notification activity and sleeps until `nextDueAt`. No clock, no I/O: `now` is always passed
 * in, so the whole lifecycle is testable without Temporal and replays deterministically.
 *
 * Handlers mutate the state they are given (the workflow keeps one object); tests build one with
 * `initialState` and drive it directly. The machine lives in rooms under state/:
 * - types: the carried state and the fixed context;      - carried: versions and upgrade steps;
 * - clock: deadlines, dates, shifts;                     - tasks: finding and making tasks;
 * - outbox: queuing routed notifications;                - timeline: the unit's notes;
 * - initial: the first run's state;                      - advance: time moving on, nextDueAt;
 * - deliverables, survey, office, extension: what people do (one function per Update);
 * - views: status, Update answers, the result.
 * The rooms where people act are re-exported whole: a new Update's transition needs no line here.
 */
export * from './state/types.js';
export * from './state/carried.js';
export { cnDate, deadlineAfter, parseDue, pauseShift } from './state/clock.js';
export { findTask } from './state/tasks.js';
export { TIMELINE_LIMIT, note, noteOnce } from './state/timeline.js';
export { initialState } from './state/initial.js';
export { advance, nextDueAt } from './state/advance.js';
export * from './state/deliverables.js';
export * from './state/extension.js';
export * from './state/survey.js';
export * from './state/office.js';
export { applyCalendarYear, calendarWithYears, type CalendarApplied } from './state/calendar.js';
export { ackOf, overdueCount, resultOf, stageLabel, statusOf } from './state/views.js';
