/**
 * What the digests read about a campaign. Production reads Temporal visibility and unit status
 * queries; tests hand in a fixed campaign so the sending can be exercised without a server.
 */
import type { Client } from '@temporalio/client';
import { overdueItems, type OverdueItem } from '../../app/overdue.js';
import { campaignOverview, type CampaignOverview } from '../../app/visibility.js';
import { collectReport, type ReportData } from '../../app/report/collect.js';

export interface DigestReader {
  overdue(campaignId: string): Promise<OverdueItem[]>;
  /** Counts for the 简报; `groups` names the 指导组 to count when the server cannot GROUP BY. */
  overview(campaignId: string, groups: readonly string[]): Promise<CampaignOverview>;
  report(campaignId: string): Promise<ReportData>;
}

export function temporalDigestReader(client: Client): DigestReader {
  return {
    overdue: async (campaignId) => (await overdueItems(client, { campaignId })).items,
    overview: (campaignId, groups) => campaignOverview(client, { campaignId }, groups.length > 0 ? { groups } : {}),
    report: (campaignId) => collectReport(client, { campaignId }),
  };
}
