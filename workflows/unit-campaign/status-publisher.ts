/**
 * Publishes the unit's status to the read model (a local activity: the status itself never enters
 * the history), at most one publish in flight, always the newest state. Readers (console, API, CLI,
 * digests, reports) read the read model, never a Query of a running workflow.
 */
import { CancellationScope, condition, log, patched, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { UnitStatusRecord } from '../../activities/status/status-store.js';
import type { UnitCampaignInput } from './messages.js';
import * as S from './state.js';

/** Runs from before the read model never published; they start at their first live workflow task. */
const STATUS_READ_MODEL = 'status-read-model';

const { publishUnitStatus } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  // Bounded: a database that is down must not hold up an Update's answer for long; the next change publishes again.
  retry: { initialInterval: '1 second', maximumInterval: '5 seconds', maximumAttempts: 4 },
});

export function statusRecord(
  ctx: S.Ctx,
  state: S.CampaignState,
  input: UnitCampaignInput,
  now: number,
  seq: number,
): UnitStatusRecord {
  const status = S.statusOf(ctx, state, now);
  const open = status.tasks
    .filter((t) => t.status === 'open' || t.status === 'returned')
    .map((t) => Date.parse(t.dueAt));
  const wake = S.nextDueAt(ctx, state);
  return {
    campaignId: input.campaignId,
    unitId: input.unit.id,
    run: state.run,
    seq,
    groupId: input.unit.group.id,
    // Data for the board, not history: the publish is a local activity whose input is not recorded.
    ...(input.unit.group.name ? { groupName: input.unit.group.name } : {}),
    unitType: input.unit.type,
    phase: status.phase,
    stage: status.stage,
    remedialRound: status.remedialRound,
    ...(open.length > 0 ? { earliestDueAt: new Date(Math.min(...open)).toISOString() } : {}),
    ...(wake !== undefined && status.phase === 'running' ? { nextWakeAt: new Date(wake).toISOString() } : {}),
    asOf: new Date(now).toISOString(),
    status,
  };
}

export interface StatusPublisher {
  /** Publishes if the status changed since the last successful publish (or always, forced); resolves when that publish settled. */
  publish(force?: boolean): Promise<void>;
}

export function statusPublisher(build: (seq: number) => UnitStatusRecord): StatusPublisher {
  let seq = 0;
  let lastKey = '';
  let wanted = 0;
  let settled = 0;
  let running = false;
  let forced = false;

  async function pump(): Promise<void> {
    running = true;
    try {
      while (settled < wanted) {
        const target = wanted;
        seq += 1;
        const record = build(seq);
        const key = JSON.stringify(record.status);
        if (key !== lastKey || forced) {
          forced = false;
          try {
            await publishUnitStatus(record);
            lastKey = key;
          } catch (e) {
            log.warn('status publish failed; the next change publishes again', { error: String(e) });
          }
        }
        settled = target;
      }
    } finally {
      running = false;
    }
  }

  return {
    async publish(force = false) {
      if (!patched(STATUS_READ_MODEL)) return;
      if (force) forced = true;
      wanted += 1;
      const mine = wanted;
      // Not cancellable: the final status of a unit cancelled through Temporal must still be published
      // (each publish is bounded by its retry policy).
      if (!running)
        void CancellationScope.nonCancellable(pump).catch((e: unknown) =>
          log.warn('status publisher stopped', { error: String(e) }),
        );
      await condition(() => settled >= mine);
    },
  };
}
