/**
 * Replays every history a workflow test produced with the code under test: a decision that depends
 * on anything replay cannot see (the wall clock, a cache, a Query's stale activation) shows up as a
 * nondeterminism error here, at the end of the test that caused it.
 */
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { bundlerOptions, quietBundleLogger, workflowsPath } from '../../worker/create-worker.js';

let bundle: Promise<WorkflowBundle> | undefined;

/** The project's workflow code, bundled once per test process (webpack takes seconds). */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath, ...bundlerOptions, logger: quietBundleLogger });
  return bundle;
}

type History = temporal.api.history.v1.IHistory;

/** Every run of the workflow, oldest first: continue-as-new links each run to the one before. */
async function historiesOf(
  client: Client,
  workflowId: string,
): Promise<{ runId: string; history: History }[]> {
  const runs: { runId: string; history: History }[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  for (let i = 0; runId && i < 100; i++) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift({ runId, history });
    const started: temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes | null | undefined =
      history.events?.[0]?.workflowExecutionStartedEventAttributes;
    runId = started?.continuedExecutionRunId || undefined;
  }
  return runs;
}

export interface ReplayFailure {
  workflowId: string;
  runId: string;
  error: string;
}

/** Replays every run of every workflow named (with the project's code unless given another bundle); returns how many replayed and what failed. */
export async function replayAll(
  client: Client,
  workflowIds: readonly string[],
  code?: WorkflowBundle,
): Promise<{ replayed: number; failures: ReplayFailure[] }> {
  const items: { workflowId: string; history: History }[] = [];
  for (const id of new Set(workflowIds))
    for (const r of await historiesOf(client, id)) items.push({ workflowId: id, history: r.history });
  if (items.length === 0) return { replayed: 0, failures: [] };
  const failures: ReplayFailure[] = [];
  let replayed = 0;
  const results = Worker.runReplayHistories(
    { workflowBundle: code ?? (await workflowBundle()), replayName: 'test-replay' },
    items,
  );
  for await (const r of results) {
    replayed += 1;
    if (r.error) failures.push({ workflowId: r.workflowId, runId: r.runId, error: String(r.error) });
  }
  return { replayed, failures };
}

/** Throws, naming each failing run, unless every history replays. */
export async function expectHistoriesReplay(client: Client, workflowIds: readonly string[]): Promise<number> {
  const { replayed, failures } = await replayAll(client, workflowIds);
  if (failures.length > 0) {
    throw new Error(
      `${failures.length} 个流程历史重放失败：\n${failures.map((f) => `  ${f.workflowId} (${f.runId}): ${f.error}`).join('\n')}`,
    );
  }
  return replayed;
}
