/**
 * The time the unit workflow decides by.
 *
 * `Date.now()` inside a workflow is the start time of the workflow task being processed, which
 * replay reproduces exactly, with one exception the SDK (1.24) has: when a Query reaches a freshly
 * started worker while a new workflow task waits (a timer fired while no worker ran), the SDK
 * applies the new events as a live activation whose clock still reads the PREVIOUS task's time.
 * Decisions taken from that clock (re-arm the timer that just fired) are then sent as the result
 * of the real task, and replay, which sees the real time, decides differently. docs/workflow.md
 * tells the whole story and test/integration/sdk-stale-query-clock.test.ts reproduces it.
 *
 * The logical clock only moves at points whose time replay sees the same way:
 * - a timer fires: the clock becomes that timer's own deadline (set when it was started);
 * - an Update is handled: Updates arrive only in real workflow tasks, never in that stale
 *   activation, so the activation's time is trustworthy there;
 * - the notification activity settles: its result carries the activity's own clock, which is
 *   part of the history.
 * Signals (the batch cancel) read it without moving it: a signal can be in the stale activation.
 */
export interface WorkflowClock {
  /** The time to decide by. */
  now(): number;
  /** For validators: may read the Update's activation time, but moves nothing (a rejected Update leaves no trace in history). */
  peek(): number;
  /** At the start of an Update handler. */
  updateArrived(): void;
  /** A timer set to end at `deadline` has fired. */
  timerFired(deadline: number): void;
  /** An activity reported the time (its own clock) at which it finished. */
  activitySettled(at: number): void;
}

export function workflowClock(logical: boolean): WorkflowClock {
  if (!logical) {
    // Runs started before the logical clock keep deciding by the activation time, as their histories did.
    const now = () => Date.now();
    return { now, peek: now, updateArrived() {}, timerFired() {}, activitySettled() {} };
  }
  let t = Date.now();
  const forward = (at: number) => {
    if (Number.isFinite(at) && at > t) t = at;
  };
  return {
    now: () => t,
    peek: () => Math.max(t, Date.now()),
    updateArrived: () => forward(Date.now()),
    timerFired: forward,
    activitySettled: forward,
  };
}
