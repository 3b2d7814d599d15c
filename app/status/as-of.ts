/**
 * A published status seen at a later moment. The read model holds what the workflow published at
 * its last change; the only parts of it that time alone changes are the overdue flags (a deadline
 * passes without anything happening) and a waiting review's 第 N 个工作日, so readers recompute
 * those, exactly as the workflow does.
 */
import type { ReviewView, TaskView, UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';

function overdueAt(t: TaskView, nowMs: number): boolean {
  return (t.status === 'open' || t.status === 'returned') && Date.parse(t.dueAt) < nowMs;
}

/** A waiting review's 第 N 个工作日 and limit, recounted from the day starts the workflow published. */
export function reviewAt(r: ReviewView, nowMs: number): ReviewView {
  return {
    ...r,
    workingDay: 1 + r.dayStarts.filter((d) => Date.parse(d) <= nowMs).length,
    overdue: r.dueAt !== undefined && Date.parse(r.dueAt) < nowMs,
  };
}

export function statusAsOf(status: UnitCampaignStatus, nowMs: number): UnitCampaignStatus {
  const tasks = status.tasks.map((t) => ({
    ...t,
    overdue: overdueAt(t, nowMs),
    ...(t.review ? { review: reviewAt(t.review, nowMs) } : {}),
  }));
  return { ...status, tasks, overdueCount: tasks.filter((t) => t.overdue).length };
}
