/**
 * Archives at completion: every unit whose workflow has completed gets its archive built and kept
 * (stored-unit-archive.ts) once, so the unit's file outlives the workflow history it is read
 * from. Run on a timer by the API server; each pass lists the campaign's completed units from
 * visibility and builds only those not yet kept, so passes are cheap, idempotent and resume after
 * a crash. Nothing in the workflow changes: completion is seen from outside.
 */
import type { UploadStore } from '../../client/api/uploads.js';
import type { CampaignServices } from '../services.js';
import { listUnits } from '../visibility.js';
import {
  readStoredRecord,
  storeUnitArchive,
  uploadNamesOf,
  type UploadNames,
} from './stored-unit-archive.js';
import { readUnitRecord, type UnitRecord } from './unit-record.js';

export interface ArchiveAtCompletionOptions {
  svc: CampaignServices;
  uploads: UploadStore;
  uploadRecords?: UploadNames | undefined;
  campaignId: string;
  /** The folder all campaign archives live in (the campaign archive's). */
  dir: string;
  /** Reads a unit's record (default: status, result and history from Temporal). */
  source?: (campaignId: string, unitId: string) => Promise<UnitRecord>;
  signal?: AbortSignal;
}

export interface ArchivePass {
  /** Units archived in this pass. */
  built: string[];
  failed: { unitId: string; error: string }[];
}

/** One pass: archives each completed unit that has no final archive kept yet. */
export async function archiveCompletedUnits(o: ArchiveAtCompletionOptions): Promise<ArchivePass> {
  const source = o.source ?? ((c: string, u: string) => readUnitRecord(o.svc, c, u));
  const pass: ArchivePass = { built: [], failed: [] };
  for (const u of await listUnits(o.svc.client, { campaignId: o.campaignId, completedOnly: true })) {
    if (o.signal?.aborted) break;
    if ((await readStoredRecord(o.dir, o.campaignId, u.unitId))?.result) continue;
    try {
      const record = await source(o.campaignId, u.unitId);
      // Visibility can run ahead of the result: only a record with the result is final.
      if (!record.result) continue;
      const names = await uploadNamesOf(o.uploadRecords, o.campaignId, u.unitId);
      await storeUnitArchive(o.dir, record, o.uploads, names);
      pass.built.push(u.unitId);
    } catch (e) {
      pass.failed.push({ unitId: u.unitId, error: (e as Error).message });
    }
  }
  return pass;
}

/**
 * Reads a completed unit's kept record (final, and no history to fetch), any other unit's from
 * Temporal: the reports' source where archives are kept at completion.
 */
export function keptOrLiveRecords(
  svc: CampaignServices,
  dir: string,
): (campaignId: string, unitId: string) => Promise<UnitRecord> {
  return async (campaignId, unitId) => {
    const kept = await readStoredRecord(dir, campaignId, unitId);
    return kept?.result ? kept : readUnitRecord(svc, campaignId, unitId);
  };
}
