/**
 * The worker's periodic health scan: every interval, each campaign with units still running or
 * paused in the read model is scanned (unless another worker already did in this interval), and
 * the number of stuck units per campaign is set on a gauge of the worker's metrics.
 */
import type { MetricMeter } from '@temporalio/common';
import type { CampaignServices } from '../services.js';
import { scanIfDue } from './cache.js';
import type { HealthScanResult } from './scan.js';
import type { HealthSettings } from './settings.js';

const STUCK_UNITS_METRIC = 'campaign_stuck_units';

export interface HealthMonitorOptions {
  svc: CampaignServices;
  settings: HealthSettings;
  /** The worker's metric meter (the SDK runtime's): the gauge is exported with the SDK's metrics. */
  meter?: MetricMeter;
  log?: { warn(message: string, meta?: unknown): void };
  onScan?: (r: HealthScanResult) => void;
}

export interface HealthMonitor {
  /** Resolves after the scan in progress (if any) finished; no scan starts afterwards. */
  stop(): Promise<void>;
}

export function startHealthMonitor(o: HealthMonitorOptions): HealthMonitor {
  const every = o.settings.scanEveryMs;
  if (every <= 0) return { stop: async () => {} };
  const gauge = o.meter?.createGauge(
    STUCK_UNITS_METRIC,
    'int',
    'units',
    'Units whose workflow task failed more than CAMPAIGN_STUCK_AFTER_FAILURES times, per campaign (流程异常，需要技术处理)',
  );
  const counted = new Map<string, number>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  async function round(): Promise<void> {
    const campaigns = await o.svc.status.activeCampaigns();
    for (const campaignId of campaigns) {
      if (stopped) return;
      try {
        // A little under the interval, so this worker's own next round is never refused as too early.
        const r = await scanIfDue(o.svc, campaignId, {
          ...o.settings,
          maxAgeMs: every - Math.min(1000, every / 10),
        });
        const stuck = r ? r.stuck.length : (await o.svc.status.lastHealthScan(campaignId))?.stuck;
        if (stuck !== undefined) {
          gauge?.set(stuck, { campaign: campaignId });
          counted.set(campaignId, stuck);
        }
        if (r) o.onScan?.(r);
      } catch (e) {
        o.log?.warn('health scan failed; trying again next round', {
          campaignId,
          error: (e as Error).message,
        });
      }
    }
    // Finished campaigns have nothing stuck any more.
    for (const [campaignId, n] of counted)
      if (n > 0 && !campaigns.includes(campaignId)) {
        gauge?.set(0, { campaign: campaignId });
        counted.set(campaignId, 0);
      }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        await round();
      } catch (e) {
        o.log?.warn('health scan failed; trying again next round', { error: (e as Error).message });
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, every);
      });
    }
  })();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
