/**
 * Which notifications a unit sent because its clock said so (a reminder, an escalation, a stage
 * opening), and the instant the plan meant them for: read from the unit's history. A batch of
 * deliverNotifications scheduled by a workflow task that handled a TimerFired was due when that
 * timer was planned to fire (TimerStarted time + its duration), whenever the task actually ran.
 * Batches answering an Update are left out: they wait for the person, not the clock.
 */
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
type Timestamp = { seconds?: unknown; nanos?: number | null } | null | undefined;

export interface ClockDue {
  notificationId: string;
  /** When the plan meant it to go out (ms since epoch). */
  dueAt: number;
}

const ms = (t: Timestamp): number => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
const durationMs = (d: Timestamp): number => ms(d);

export function clockDueNotifications(history: History): ClockDue[] {
  const timers = new Map<string, number>();
  let firedSinceTask: number[] = [];
  let trigger: number | undefined;
  const out: ClockDue[] = [];
  for (const e of history.events ?? []) {
    const started = e.timerStartedEventAttributes;
    if (started) timers.set(String(e.eventId), ms(e.eventTime) + durationMs(started.startToFireTimeout));
    const fired = e.timerFiredEventAttributes;
    if (fired) {
      const at = timers.get(String(fired.startedEventId));
      if (at !== undefined) firedSinceTask.push(at);
    }
    if (e.workflowTaskCompletedEventAttributes) {
      // The earliest timer this task handled: the strictest reading of "due".
      trigger = firedSinceTask.length > 0 ? Math.min(...firedSinceTask) : undefined;
      firedSinceTask = [];
    }
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === 'deliverNotifications' && trigger !== undefined) {
      const first = scheduled.input?.payloads?.[0]?.data;
      if (!first) continue;
      const items = JSON.parse(Buffer.from(first).toString('utf8')) as { notificationId: string }[];
      for (const item of items) out.push({ notificationId: item.notificationId, dueAt: trigger });
    }
  }
  return out;
}
