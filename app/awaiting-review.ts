/**
 * What waits for a 指导组's review: every submission of a running unit that needs 审查把关, read
 * from the status read model (no Query, no visibility attribute needed) as of now, longest waiting
 * first. The group's daily digest and GET …/awaiting-review list them.
 */
import type { UnitStatusRecord } from '../activities/status/status-store.js';
import { reviewWaitText } from '../domain/review-wait.js';
import type { UnitCampaignStatus } from '../workflows/unit-campaign/messages.js';
import type { CampaignServices } from './services.js';
import { statusAsOf } from './status/as-of.js';

export interface AwaitingReviewItem {
  unitId: string;
  unitName: string;
  group: string;
  taskId: string;
  title: string;
  submissions: number;
  /** Absent for units whose run predates the review loop (they only say 待审查). */
  submittedAt?: string;
  reviewDueAt?: string;
  workingDay?: number;
  overdue: boolean;
  escalationLevel: number;
  /** 等待审查（第 N 个工作日）, or 待审查 for runs from before the review loop. */
  text: string;
}

export function awaitingReviewOf(s: UnitCampaignStatus, group: string, now: number): AwaitingReviewItem[] {
  if (s.phase !== 'running' && s.phase !== 'paused') return [];
  return statusAsOf(s, now)
    .tasks.filter((t) => t.status === 'submitted' && t.needsReview)
    .map((t) => ({
      unitId: s.unitId,
      unitName: s.unitName,
      group,
      taskId: t.taskId,
      title: t.title,
      submissions: t.submissions,
      ...(t.review ? { submittedAt: t.review.submittedAt, workingDay: t.review.workingDay } : {}),
      ...(t.review?.dueAt ? { reviewDueAt: t.review.dueAt } : {}),
      overdue: t.review?.overdue ?? false,
      escalationLevel: t.review?.escalationLevel ?? 0,
      text: t.review ? reviewWaitText(t.review) : '待审查',
    }));
}

/** Longest waiting first (past the limit on top), then by unit. */
export function byLongestWait(a: AwaitingReviewItem, b: AwaitingReviewItem): number {
  return (
    Number(b.overdue) - Number(a.overdue) ||
    (b.workingDay ?? 0) - (a.workingDay ?? 0) ||
    a.unitId.localeCompare(b.unitId) ||
    a.taskId.localeCompare(b.taskId)
  );
}

export function awaitingReviewFromRecords(
  records: readonly UnitStatusRecord[],
  now: number,
): AwaitingReviewItem[] {
  return records.flatMap((r) => awaitingReviewOf(r.status, r.groupId, now)).sort(byLongestWait);
}

export async function awaitingReviewItems(
  svc: Pick<CampaignServices, 'status'>,
  campaignId: string,
  groupId?: string,
  now: () => number = Date.now,
): Promise<AwaitingReviewItem[]> {
  const records = await svc.status.list(campaignId, groupId ? { groupId } : {});
  return awaitingReviewFromRecords(records, now());
}
