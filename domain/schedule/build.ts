/**
 * buildSchedule: plan + unit + start → the unit's concrete tasks, with the instants of every
 * reminder and escalation. Pure and deterministic (no clock), JSON in and out: it runs inside
 * Temporal workflows as well as in the CLI preview.
 */
import { localDateOf, ms, yearOf, type IsoInstant, type WorkCalendar } from '../calendar/index.js';
import type { Plan, Stage, Step } from '../plan/schema.js';
import { UNIT_TYPES } from '../unit-types.js';
import { appliesTo } from './applies.js';
import { computeEscalations } from './escalations.js';
import { calendarForPlan } from './plan-calendar.js';
import { computeReminders } from './reminders.js';
import {
  addDurationTo,
  anchorAt,
  anchorOf,
  duration,
  resolveDue,
  resolveOpen,
  type Anchor,
} from './resolve.js';
import { effectivePredecessors, inDependencyOrder } from './step-order.js';
import { compress, mapTaskInstants, timeScaleOf } from './time-scale.js';
import type { Schedule, ScheduledChecklist, ScheduledStage, ScheduledTask, UnitProfile } from './types.js';

function checklistOf(plan: Plan, id: string | undefined): ScheduledChecklist | undefined {
  if (id === undefined) return undefined;
  const c = plan.checklists[id];
  return c ? { id, title: c.title, items: c.items.map((i) => ({ ...i })) } : undefined;
}

/**
 * One task from a step, given its stage's open/due and the anchor its offsets refer to. With
 * `predecessors` (the tasks of its `after`), it is planned to open when the last of them is due
 * and a `duration` counts from that instant (else from its opening).
 */
export function taskForStep(
  plan: Plan,
  cal: WorkCalendar,
  stage: Stage,
  step: Step,
  stageTimes: { opensAt: IsoInstant; dueAt: IsoInstant },
  anchor: Anchor,
  predecessors: readonly ScheduledTask[] = [],
): ScheduledTask {
  const win = step.window;
  const ready =
    predecessors.length > 0
      ? predecessors.map((p) => p.dueAt).reduce((a, b) => (ms(b) > ms(a) ? b : a))
      : undefined;
  const opensAt =
    ready ?? (win?.open !== undefined ? resolveOpen(cal, win.open, anchor) : stageTimes.opensAt);
  const dueAt =
    step.duration !== undefined
      ? addDurationTo(cal, ready ?? opensAt, duration(step.duration), plan.deadlineOnHoliday)
      : win !== undefined
        ? resolveDue(cal, win.due, anchor, plan.deadlineOnHoliday)
        : stageTimes.dueAt;
  const checklist = checklistOf(plan, step.review?.checklist);
  const precondition = checklistOf(plan, step.precondition);
  const selfCheck = checklistOf(plan, step.selfCheck);
  return {
    taskId: step.id,
    stageId: stage.id,
    stepId: step.id,
    title: step.title,
    kind: step.kind,
    ...(step.no !== undefined ? { no: step.no } : {}),
    ...(ready !== undefined ? { after: predecessors.map((p) => p.taskId) } : {}),
    ...(step.duration !== undefined ? { duration: step.duration } : {}),
    opensAt,
    dueAt,
    dueDate: localDateOf(cal, dueAt),
    needsReview: step.review !== undefined,
    ...(step.review ? { reviewer: step.review.by } : {}),
    ...(step.review && (step.review.within ?? plan.review?.within)
      ? { reviewWithin: step.review.within ?? plan.review!.within }
      : {}),
    ...(checklist ? { checklist } : {}),
    ...(precondition ? { precondition } : {}),
    ...(selfCheck ? { selfCheck } : {}),
    recipients: step.recipients.map((r) => ({ ...r })),
    deliverables: step.deliverables.map((d) => ({ ...d })),
    reminders: computeReminders(cal, plan.reminders, opensAt, dueAt),
    escalations: computeEscalations(cal, plan.escalation, dueAt),
  };
}

/**
 * The tasks of one stage. For an after_previous stage pass the moment it actually opened (at
 * run time: when the previous stage completed); its offsets count from there.
 */
export function scheduleStage(
  plan: Plan,
  unit: UnitProfile,
  stage: Stage,
  anchor: Anchor,
  cal: WorkCalendar,
  openedAt?: IsoInstant,
): { stage: ScheduledStage; tasks: ScheduledTask[] } {
  const after = stage.opens === 'after_previous' && openedAt !== undefined;
  const stageAnchor = after ? anchorAt(cal, openedAt) : anchor;
  const opensAt = after
    ? openedAt
    : stage.window.open !== undefined
      ? resolveOpen(cal, stage.window.open, anchor)
      : anchor.instant;
  const dueAt = resolveDue(cal, stage.window.due, stageAnchor, plan.deadlineOnHoliday);
  const applying = stage.steps.filter((s) => appliesTo(s.appliesTo, unit));
  const preds = effectivePredecessors(stage.steps, (s) => appliesTo(s.appliesTo, unit));
  // Predecessors first, so each step's planned dates can follow theirs; listed in plan order.
  const byId = new Map<string, ScheduledTask>();
  for (const s of inDependencyOrder(applying)) {
    const before = (preds.get(s.id) ?? [])
      .map((id) => byId.get(id))
      .filter((t): t is ScheduledTask => t !== undefined);
    byId.set(s.id, taskForStep(plan, cal, stage, s, { opensAt, dueAt }, stageAnchor, before));
  }
  const tasks = applying.map((s) => byId.get(s.id)!);
  return {
    stage: {
      stageId: stage.id,
      title: stage.title,
      opens: stage.opens,
      opensAt,
      dueAt,
      taskIds: tasks.map((t) => t.taskId),
    },
    tasks,
  };
}

/**
 * @param start the campaign start: an ISO date (`2009-09-01`, meaning that day's office
 *   opening) or an ISO instant (`2009-09-01T10:00:00+08:00`).
 * @param calendar defaults to the plan's own calendar (calendarForPlan).
 * @throws Error (Chinese message) if the unit's type is not served by the plan.
 */
export function buildSchedule(
  plan: Plan,
  unit: UnitProfile,
  start: string,
  calendar?: WorkCalendar,
): Schedule {
  const cal = calendar ?? calendarForPlan(plan);
  if (!plan.unitTypes.includes(unit.type)) {
    throw new Error(`计划「${plan.title}」不适用于单位类型「${UNIT_TYPES[unit.type] ?? unit.type}」`);
  }
  const anchor = anchorOf(cal, start);
  const warnings: string[] = [];
  const stages: ScheduledStage[] = [];
  const tasks: ScheduledTask[] = [];
  let previousDue: IsoInstant | undefined;
  for (const stage of plan.stages) {
    if (!appliesTo(stage.appliesTo, unit)) continue;
    const openedAt = stage.opens === 'after_previous' ? (previousDue ?? anchor.instant) : undefined;
    const r = scheduleStage(plan, unit, stage, anchor, cal, openedAt);
    if (r.tasks.length === 0) continue;
    stages.push(r.stage);
    tasks.push(...r.tasks);
    previousDue = r.stage.dueAt;
  }
  const years = new Set<number>();
  for (const t of tasks) {
    if (ms(t.dueAt) < ms(t.opensAt)) warnings.push(`步骤「${t.title}」（${t.taskId}）的截止时间早于开始时间`);
    years.add(yearOf(localDateOf(cal, t.opensAt)));
    years.add(yearOf(t.dueDate));
  }
  const missingHolidayYears = [...years].sort().filter((y) => !cal.coversYear(y));
  for (const y of missingHolidayYears) warnings.push(missingHolidayYearWarning(y));
  const timeScale = timeScaleOf(plan, anchor.instant);
  const finalTasks = timeScale
    ? tasks.map((t) => mapTaskInstants(t, (at) => compress(cal, timeScale, at)))
    : tasks;
  const finalStages = timeScale
    ? stages.map((s) => ({
        ...s,
        opensAt: compress(cal, timeScale, s.opensAt),
        dueAt: compress(cal, timeScale, s.dueAt),
      }))
    : stages;
  return {
    planId: plan.id,
    unitId: unit.id,
    unitType: unit.type,
    start: anchor.instant,
    timeZone: cal.zone,
    timeScale,
    stages: finalStages,
    tasks: finalTasks,
    warnings,
    missingHolidayYears,
  };
}

/** What the office reads when a campaign runs into a year the calendar knows no holidays of. */
export function missingHolidayYearWarning(year: number): string {
  return `日历缺少 ${year} 年的法定节假日和调休数据，该年按周一至周五计算，可能把期限排在节假日；请用 campaign calendar add 载入该年的国务院办公厅节假日安排（或在控制台“节假日安排”中上传），或在计划的 calendar.overrides 中补充`;
}
