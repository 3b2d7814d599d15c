/**
 * The smallest workflow that decides by the activation's clock, as most Temporal samples do: sleep
 * until a deadline, then act. Used only to reproduce the SDK's stale-clock activation
 * (test/integration/sdk-stale-query-clock.test.ts); the unit workflow decides by its logical clock.
 */
import { defineQuery, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

export const naiveStatusQuery = defineQuery<string>('naiveStatus');

const { noteDeadlineReached } = proxyActivities<{ noteDeadlineReached(): Promise<void> }>({
  startToCloseTimeout: '10 seconds',
});

export async function naiveDeadlineWorkflow(deadlineMs: number): Promise<string> {
  let phase = 'waiting';
  setHandler(naiveStatusQuery, () => phase);
  // "Has the deadline come?" asked of Date.now(): re-arm until it has.
  for (let wait = deadlineMs - Date.now(); wait > 0; wait = deadlineMs - Date.now()) await sleep(wait);
  phase = 'acting';
  await noteDeadlineReached();
  phase = 'done';
  return phase;
}
