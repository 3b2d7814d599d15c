/**
 * What the digests read about a campaign. Production reads Temporal visibility and the status read
 * model; tests hand in a fixed campaign so the sending can be exercised without a server.
 */
import type { CampaignServices } from '../../app/services.js';
import { awaitingReviewItems, type AwaitingReviewItem } from '../../app/awaiting-review.js';
import { overdueItems, type OverdueItem } from '../../app/overdue.js';
import { campaignOverview, type CampaignOverview } from '../../app/visibility.js';
import { collectReport, type ReportData } from '../../app/report/collect.js';

export interface DigestReader {
  overdue(campaignId: string): Promise<OverdueItem[]>;
  /** Submissions waiting for review, longest waiting first. */
  awaitingReview(campaignId: string): Promise<AwaitingReviewItem[]>;
  /** Counts for the 简报; `groups` names the 指导组 to count when the server cannot GROUP BY. */
  overview(campaignId: string, groups: readonly string[]): Promise<CampaignOverview>;
  report(campaignId: string): Promise<ReportData>;
}

export function temporalDigestReader(svc: CampaignServices): DigestReader {
  return {
    overdue: async (campaignId) => (await overdueItems(svc, { campaignId })).items,
    awaitingReview: (campaignId) => awaitingReviewItems(svc, campaignId),
    overview: (campaignId, groups) =>
      campaignOverview(svc.client, { campaignId }, groups.length > 0 ? { groups } : {}),
    report: (campaignId) => collectReport(svc, { campaignId }),
  };
}
