/** Finding and making tasks, and where the unit stands. */
import { ms } from '../../../domain/calendar/index.js';
import type { ScheduledTask } from '../../../domain/schedule/index.js';
import type { TaskOrigin } from '../messages.js';
import { ACTIVE, type CampaignState, type StageState, type TaskState } from './types.js';

export function newTask(sched: ScheduledTask, origin: TaskOrigin, required = true): TaskState {
  return {
    sched,
    origin,
    required: required && (sched.deliverables.length === 0 || sched.deliverables.some((d) => d.required)),
    status: 'pending',
    rev: 0,
    nextReminder: 0,
    nextEscalation: 0,
    fired: [],
    gap: false,
    late: false,
    submissions: 0,
    returns: 0,
  };
}

export function findTask(state: CampaignState, taskId: string): TaskState | undefined {
  return state.tasks.find((t) => t.sched.taskId === taskId);
}

export function isOverdue(t: TaskState, now: number): boolean {
  return ACTIVE.includes(t.status) && ms(t.sched.dueAt) < now;
}

export function stageOf(state: CampaignState, t: TaskState): StageState | undefined {
  return state.stages.find((s) => s.stageId === t.sched.stageId);
}

/** The stage new items join: the latest open one, else the latest complete one, else the first. */
export function currentStageId(state: CampaignState): string {
  const open = state.stages.filter((s) => s.status === 'open');
  return (
    open.at(-1)?.stageId ??
    state.stages.filter((s) => s.status === 'complete').at(-1)?.stageId ??
    state.stages[0]?.stageId ??
    ''
  );
}
