/**
 * Reading the health cache, with at most one scan per campaign and interval however many workers,
 * API replicas and command lines ask: the store hands the scan to one caller (claimHealthScan).
 */
import type { UnitHealthRecord } from '../../activities/status/health.js';
import type { CampaignServices } from '../services.js';
import { scanCampaignHealth, type HealthScanResult, type ScanSettings } from './scan.js';

export interface CampaignHealthOptions extends ScanSettings {
  /** Scan first when the last scan started longer ago than this. */
  maxAgeMs: number;
  /** false: start the scan but answer from the cache at once (requests never wait for Temporal). */
  wait?: boolean;
  now?: () => number;
  onScan?: (r: HealthScanResult) => void;
  onError?: (e: Error) => void;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Runs a scan of the campaign if it is due and nobody else took it; resolves with its result, or undefined when none ran. */
export async function scanIfDue(
  svc: CampaignServices,
  campaignId: string,
  o: CampaignHealthOptions,
): Promise<HealthScanResult | undefined> {
  const now = (o.now ?? Date.now)();
  const last = await svc.status.lastHealthScan(campaignId);
  if (last && now - Date.parse(last.startedAt) < o.maxAgeMs) return undefined;
  if (!(await svc.status.claimHealthScan(campaignId, iso(now), iso(now - o.maxAgeMs)))) return undefined;
  const r = await scanCampaignHealth(svc, campaignId, o, now);
  await svc.status.finishHealthScan(campaignId, iso((o.now ?? Date.now)()), r.stuck.length);
  o.onScan?.(r);
  return r;
}

/** The campaign's stuck units, from the cache (scanned first when due). */
export async function stuckUnits(
  svc: CampaignServices,
  campaignId: string,
  o: CampaignHealthOptions,
): Promise<UnitHealthRecord[]> {
  const scan = scanIfDue(svc, campaignId, o);
  if (o.wait === false) void scan.catch((e: unknown) => o.onError?.(e as Error));
  else await scan;
  return svc.status.health(campaignId, { states: ['stuck'] });
}
