/**
 * Batch operations: the units are found by visibility (unit type, 指导组, stage), then the same
 * Update goes to each with bounded concurrency. One unit refusing does not stop the others; every
 * failure is reported with its reason.
 */
import { mapLimit } from './concurrency.js';
import { CampaignFailure } from '../domain/failures.js';
import type { CampaignServices } from './services.js';
import { runOperation, type Operation, type OperationRequests } from './unit-operations.js';
import { listUnits, type UnitFilter } from './visibility.js';

export interface BatchOutcome {
  unitId: string;
  ok: boolean;
  error?: string;
}

export interface BatchResult {
  matched: number;
  succeeded: number;
  failed: number;
  outcomes: BatchOutcome[];
}

export async function runBatch<Op extends Operation>(
  svc: CampaignServices,
  filter: UnitFilter,
  op: Op,
  request: (unitId: string) => OperationRequests[Op],
  o: { concurrency?: number; onUnitDone?: () => void; onMatched?: (n: number) => void } = {},
): Promise<BatchResult> {
  // Only running units can take an Update; finished ones would each fail with the same message.
  const units = await listUnits(svc.client, { ...filter, runningOnly: true });
  o.onMatched?.(units.length);
  const outcomes = await mapLimit(units, o.concurrency ?? 16, async (u): Promise<BatchOutcome> => {
    try {
      await runOperation(svc, filter.campaignId, u.unitId, op, request(u.unitId));
      return { unitId: u.unitId, ok: true };
    } catch (e) {
      return {
        unitId: u.unitId,
        ok: false,
        error: e instanceof CampaignFailure ? e.message : (e as Error).message,
      };
    } finally {
      o.onUnitDone?.();
    }
  });
  const succeeded = outcomes.filter((x) => x.ok).length;
  return { matched: units.length, succeeded, failed: units.length - succeeded, outcomes };
}
