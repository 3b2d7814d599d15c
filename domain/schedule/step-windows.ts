/**
 * `plan check`, once a plan parses: every step's dates lie inside its stage's window, and a step
 * that follows others is not due before them. Dates are computed with the plan's own calendar
 * (holidays, 调休, office hours, deadlineOnHoliday). Only bounds that compare the same way for
 * every campaign start are judged: absolute dates against absolute dates, and offsets against
 * offsets of the same kind (in a `continuous` calendar every offset counts exactly); the rest is
 * left to `plan preview`, which shows the dates for a given start.
 */
import { localDateOf, ms, type IsoInstant, type WorkCalendar } from '../calendar/index.js';
import { parseDateExpr } from '../plan/expr.js';
import type { Plan, Stage } from '../plan/schema.js';
import { taskForStep } from './build.js';
import { calendarForPlan } from './plan-calendar.js';
import { anchorOf, resolveDue, resolveOpen } from './resolve.js';
import { inDependencyOrder } from './step-order.js';
import type { ScheduledTask } from './types.js';

export interface StepWindowIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** How a bound is anchored: comparable only with a bound of the same class. */
type Cls = 'abs' | 'd' | 'wd' | 'mo' | 'clock' | 'offset' | 'unknown';

function classOf(text: string | undefined, cal: WorkCalendar): Cls {
  if (text === undefined) return 'unknown';
  const p = parseDateExpr(text);
  if (!p.ok) return 'unknown';
  if (p.value.kind !== 'offset') return 'abs';
  if (cal.kind === 'continuous') return 'offset';
  const u = p.value.offset.unit;
  return u === 'd' || u === 'w' ? 'd' : u === 'wd' ? 'wd' : u === 'mo' ? 'mo' : 'clock';
}

const comparable = (a: Cls, b: Cls): boolean => a === b && a !== 'unknown';

/** Far enough back that no absolute date of a plan is clamped to it. */
const NOMINAL_START = '1970-01-05';

export function stepWindowIssues(plan: Plan, calendar?: WorkCalendar): StepWindowIssue[] {
  const cal = calendar ?? calendarForPlan(plan);
  const out: StepWindowIssue[] = [];
  plan.stages.forEach((stage, si) => {
    try {
      checkStage(plan, cal, stage, si, out);
    } catch {
      // A date the calendar cannot place is reported by the schema checks.
    }
  });
  return out;
}

function checkStage(plan: Plan, cal: WorkCalendar, stage: Stage, si: number, out: StepWindowIssue[]): void {
  const anchor = anchorOf(cal, NOMINAL_START);
  // An after_previous stage opens at its anchor; its offsets and its steps' offsets count from there.
  const openCls: Cls = stage.opens === 'after_previous' ? 'unknown' : classOf(stage.window.open, cal);
  const dueCls = classOf(stage.window.due, cal);
  const stageOpen =
    stage.window.open !== undefined && stage.opens !== 'after_previous'
      ? resolveOpen(cal, stage.window.open, anchor)
      : anchor.instant;
  const stageDue = resolveDue(cal, stage.window.due, anchor, plan.deadlineOnHoliday);
  const times = { opensAt: stageOpen, dueAt: stageDue };
  const tasks = new Map<string, { task: ScheduledTask; dueCls: Cls }>();
  const ids = new Set(stage.steps.map((s) => s.id));
  for (const step of inDependencyOrder(stage.steps)) {
    const preds = (step.after ?? []).filter((id) => ids.has(id)).map((id) => tasks.get(id)!);
    const task = taskForStep(
      plan,
      cal,
      stage,
      step,
      times,
      anchor,
      preds.map((p) => p.task),
    );
    const readyCls =
      preds.length === 0
        ? undefined
        : preds.every((p) => p.dueCls === preds[0]!.dueCls)
          ? preds[0]!.dueCls
          : 'unknown';
    const ownOpenCls = step.window?.open !== undefined ? classOf(step.window.open, cal) : openCls;
    const baseCls = readyCls ?? ownOpenCls;
    const stepDueCls: Cls =
      step.duration !== undefined
        ? baseCls === 'abs' || baseCls === 'offset'
          ? baseCls
          : 'unknown'
        : step.window
          ? classOf(step.window.due, cal)
          : dueCls;
    tasks.set(step.id, { task, dueCls: stepDueCls });
    const here = ['stages', si, 'steps', stage.steps.indexOf(step)];
    const dueField = step.duration !== undefined ? 'duration' : 'window';
    const duePath = step.duration !== undefined ? [...here, 'duration'] : [...here, 'window', 'due'];
    const label = `步骤「${step.title}」`;
    const stageLabel = `所在阶段「${stage.title}」`;
    const derived =
      step.duration === undefined
        ? ''
        : preds.length > 0
          ? `（前序步骤截止后 ${step.duration}）`
          : `（开始后 ${step.duration}）`;
    if (step.window?.open !== undefined) {
      const cls = classOf(step.window.open, cal);
      if (comparable(cls, openCls) && ms(task.opensAt) < ms(stageOpen)) {
        out.push({
          path: [...here, 'window', 'open'],
          message: `${label}的开始 ${day(cal, task.opensAt)} 早于${stageLabel}的开始 ${day(cal, stageOpen)}`,
        });
      }
      if (comparable(cls, dueCls) && ms(task.opensAt) > ms(stageDue)) {
        out.push({
          path: [...here, 'window', 'open'],
          message: `${label}的开始 ${day(cal, task.opensAt)} 晚于${stageLabel}的截止 ${day(cal, stageDue)}`,
        });
      }
    }
    if (step.window !== undefined || step.duration !== undefined) {
      if (comparable(stepDueCls, dueCls) && ms(task.dueAt) > ms(stageDue)) {
        out.push({
          path: duePath,
          message: `${label}的截止 ${day(cal, task.dueAt)}${derived} 晚于${stageLabel}的截止 ${day(cal, stageDue)}`,
        });
      }
      if (dueField === 'window' && comparable(stepDueCls, openCls) && ms(task.dueAt) < ms(stageOpen)) {
        out.push({
          path: duePath,
          message: `${label}的截止 ${day(cal, task.dueAt)} 早于${stageLabel}的开始 ${day(cal, stageOpen)}`,
        });
      }
    }
    for (const p of preds) {
      if (comparable(stepDueCls, p.dueCls) && ms(task.dueAt) < ms(p.task.dueAt)) {
        const path = step.window || step.duration ? duePath : [...here, 'after'];
        out.push({
          path,
          message: `${label}的截止 ${day(cal, task.dueAt)} 早于前序步骤「${p.task.title}」的截止 ${day(cal, p.task.dueAt)}`,
        });
      }
    }
  }
}

function day(cal: WorkCalendar, at: IsoInstant): string {
  return localDateOf(cal, at);
}
