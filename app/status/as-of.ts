/**
 * A published status seen at a later moment. The read model holds what the workflow published at
 * its last change; the only parts of it that time alone changes are the overdue flags (a deadline
 * passes without anything happening), so readers recompute those, exactly as the workflow does.
 */
import type { TaskView, UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';

function overdueAt(t: TaskView, nowMs: number): boolean {
  return (t.status === 'open' || t.status === 'returned') && Date.parse(t.dueAt) < nowMs;
}

export function statusAsOf(status: UnitCampaignStatus, nowMs: number): UnitCampaignStatus {
  const tasks = status.tasks.map((t) => ({ ...t, overdue: overdueAt(t, nowMs) }));
  return { ...status, tasks, overdueCount: tasks.filter((t) => t.overdue).length };
}
