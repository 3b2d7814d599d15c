/**
 * The reset-point search on histories shaped like real ones: the replay oracle answers as the
 * current code would (every cut at or before the first bad task's start replays, every later one
 * does not), and the search must name that task with few replays.
 */
import { describe, expect, it } from 'vitest';
import type { temporal } from '@temporalio/proto';
import { findResetPoint, reappliedAfter, workflowTasks } from '../../../app/repair/reset-point.js';

type Event = temporal.api.history.v1.IHistoryEvent;

/** A history of `tasks` workflow tasks (scheduled, started, completed, one command each); the last fails. */
function history(tasks: number, extra: (n: number, next: () => number) => Event[] = () => []): Event[] {
  const events: Event[] = [];
  let id = 0;
  const next = () => ++id;
  const at = (s: number) => ({ seconds: 1_257_818_400 + s, nanos: 0 }) as unknown as Event['eventTime'];
  events.push({ eventId: next() as never, workflowExecutionStartedEventAttributes: {} });
  for (let n = 1; n <= tasks; n++) {
    events.push({ eventId: next() as never, workflowTaskScheduledEventAttributes: {} });
    const started = next();
    events.push({ eventId: started as never, eventTime: at(n), workflowTaskStartedEventAttributes: {} });
    if (n === tasks) {
      events.push({
        eventId: next() as never,
        workflowTaskFailedEventAttributes: { startedEventId: started as never },
      });
      break;
    }
    events.push({
      eventId: next() as never,
      workflowTaskCompletedEventAttributes: { startedEventId: started as never },
    });
    events.push({ eventId: next() as never, timerStartedEventAttributes: {} });
    events.push(...extra(n, next));
  }
  return events;
}

describe('finding the first workflow task the current code no longer reproduces', () => {
  it('binary-searches the task starts: the bad task is found in about log2(tasks) replays, and the reset goes to its completion', async () => {
    const events = history(200);
    const tasks = workflowTasks(events);
    expect(tasks).toHaveLength(200);
    for (const bad of [1, 2, 57, 198, 199]) {
      const badStart = tasks[bad - 1]!.startedEventId;
      const asked: number[] = [];
      const r = await findResetPoint(events, (last) => {
        asked.push(last);
        return Promise.resolve(last <= badStart);
      });
      expect(r.kind).toBe('mismatch');
      if (r.kind !== 'mismatch') continue;
      expect(r.task.n).toBe(bad);
      expect(r.task.completedEventId).toBe(badStart + 1);
      expect(r.task.startedAt).toBe(new Date((1_257_818_400 + bad) * 1000).toISOString());
      expect(asked.length).toBeLessThanOrEqual(Math.ceil(Math.log2(200)) + 2);
      // The whole history first: a clean replay decides without a search.
      expect(asked[0]).toBe(Number(events.at(-1)!.eventId));
    }
  });

  it('a history that replays whole is a code error: one replay, no reset point', async () => {
    const r = await findResetPoint(history(30), () => Promise.resolve(true));
    expect(r).toEqual({ kind: 'replays', replays: 1 });
  });

  it('counts the signals and Updates after the reset point, an Update once even when admitted and then accepted', () => {
    const events = history(6, (n, next) =>
      n === 3
        ? [
            {
              eventId: next() as never,
              workflowExecutionSignaledEventAttributes: { signalName: 'cancelCampaign' },
            },
            {
              eventId: next() as never,
              workflowExecutionUpdateAdmittedEventAttributes: {
                request: { meta: { updateId: 'u1' }, input: { name: 'submitDeliverable' } },
              },
            },
            {
              eventId: next() as never,
              workflowExecutionUpdateAcceptedEventAttributes: {
                acceptedRequest: { meta: { updateId: 'u1' }, input: { name: 'submitDeliverable' } },
              },
            },
            {
              eventId: next() as never,
              workflowExecutionUpdateAcceptedEventAttributes: {
                acceptedRequest: { meta: { updateId: 'u2' }, input: { name: 'reviewDeliverable' } },
              },
            },
          ]
        : [],
    );
    const third = workflowTasks(events)[2]!;
    expect(reappliedAfter(events, third.completedEventId!)).toEqual({
      updates: ['submitDeliverable', 'reviewDeliverable'],
      signals: ['cancelCampaign'],
    });
    expect(reappliedAfter(events, Number(events.at(-1)!.eventId))).toEqual({ updates: [], signals: [] });
  });
});
