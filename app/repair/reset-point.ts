/**
 * Where to reset a stuck unit: the first workflow task whose recorded commands the current code no
 * longer produces. Found by replaying prefixes of the history, never by reading error text: the
 * prefix that ends at a task's WorkflowTaskStarted event checks every task before it, so "replays"
 * is true up to some task and false after it, and a binary search over the WorkflowTaskStarted
 * ids finds the first task that does not replay in about log2(tasks) replays.
 */
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface WorkflowTaskRef {
  /** 1-based position among the run's workflow tasks. */
  n: number;
  startedEventId: number;
  /** Its WorkflowTaskCompleted event, when it completed (a failed or timed-out task has none). */
  completedEventId?: number;
  /** When it started (UTC ISO). */
  startedAt?: string;
}

export const eventTime = (e: HistoryEvent): string | undefined =>
  e.eventTime?.seconds
    ? new Date(Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6)).toISOString()
    : undefined;

export function workflowTasks(events: readonly HistoryEvent[]): WorkflowTaskRef[] {
  const tasks: WorkflowTaskRef[] = [];
  const byStarted = new Map<number, WorkflowTaskRef>();
  for (const e of events) {
    const id = Number(e.eventId);
    if (e.workflowTaskStartedEventAttributes) {
      const at = eventTime(e);
      const t: WorkflowTaskRef = {
        n: tasks.length + 1,
        startedEventId: id,
        ...(at ? { startedAt: at } : {}),
      };
      tasks.push(t);
      byStarted.set(id, t);
    } else if (e.workflowTaskCompletedEventAttributes) {
      const t = byStarted.get(Number(e.workflowTaskCompletedEventAttributes.startedEventId));
      if (t) t.completedEventId = id;
    }
  }
  return tasks;
}

export type ResetSearch =
  /** The whole history replays with the current code: the task fails for another reason (fix the code). */
  | { kind: 'replays'; replays: number }
  /** `task` is the first whose commands the current code does not reproduce; reset to its completion. */
  | { kind: 'mismatch'; task: WorkflowTaskRef & { completedEventId: number }; replays: number }
  /** The first task that does not replay has no completion to reset to (should not happen). */
  | { kind: 'no_reset_point'; task: WorkflowTaskRef; replays: number };

/**
 * `replaysUpTo(lastEventId)` replays the history cut after that event and says whether it replayed
 * without a nondeterminism error; `lastEventId` is the history's last event for the whole of it.
 */
export async function findResetPoint(
  events: readonly HistoryEvent[],
  replaysUpTo: (lastEventId: number) => Promise<boolean>,
): Promise<ResetSearch> {
  const tasks = workflowTasks(events);
  const last = Number(events.at(-1)?.eventId ?? 0);
  // Cut points: each task's start (checks the tasks before it), then the whole history (checks all).
  const cuts = [...tasks.map((t) => t.startedEventId), last];
  let replays = 1;
  if (await replaysUpTo(last)) return { kind: 'replays', replays };
  // Invariant: cuts[lo] replays (the first task's start has nothing recorded before it), cuts[hi] does not.
  let lo = 0;
  let hi = cuts.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    replays += 1;
    if (await replaysUpTo(cuts[mid]!)) lo = mid;
    else hi = mid;
  }
  const task = tasks[lo]!;
  if (task.completedEventId === undefined) return { kind: 'no_reset_point', task, replays };
  return { kind: 'mismatch', task: { ...task, completedEventId: task.completedEventId }, replays };
}

export interface Reapplied {
  updates: string[];
  signals: string[];
}

/** Signals and accepted Updates after the reset point: Temporal's reset applies them again to the new run. */
export function reappliedAfter(events: readonly HistoryEvent[], resetEventId: number): Reapplied {
  const signals: string[] = [];
  // By Update id: one admitted (after an earlier reset) and then accepted is one Update.
  const updates = new Map<string, string>();
  for (const e of events) {
    if (Number(e.eventId) <= resetEventId) continue;
    const signal = e.workflowExecutionSignaledEventAttributes;
    if (signal) signals.push(signal.signalName ?? '');
    const accepted = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    // Admitted but not yet accepted when the run stopped: reapplied too.
    const request = accepted ?? e.workflowExecutionUpdateAdmittedEventAttributes?.request;
    if (request)
      updates.set(request.meta?.updateId ?? `event-${String(e.eventId)}`, request.input?.name ?? '');
  }
  return { updates: [...updates.values()], signals };
}
