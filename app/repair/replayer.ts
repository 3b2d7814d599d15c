/**
 * Replays history with the workflow code the workers run now (a prebundle or the source), as the
 * reset-point search needs it: true when the events replay, false on a nondeterminism error, and a
 * ReplayFailed for anything else (the code could not even be run against the history).
 */
import type { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface Replayer {
  replays(events: readonly HistoryEvent[], workflowId: string): Promise<boolean>;
}

class ReplayFailed extends Error {}

export function replayerFor(workflowBundle: WorkflowBundleOption): Replayer {
  return {
    async replays(events, workflowId) {
      try {
        await Worker.runReplayHistory(
          { workflowBundle, replayName: 'campaign-repair' },
          { events: [...events] },
          workflowId,
        );
        return true;
      } catch (e) {
        if (e instanceof DeterminismViolationError) return false;
        throw new ReplayFailed(`无法用现有代码重放历史：${(e as Error).message}`, { cause: e });
      }
    },
  };
}
