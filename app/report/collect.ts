/**
 * The data behind the office's Excel report: every unit of a campaign found by visibility, then
 * each asked for its status (bounded concurrency). A report is read once a day, so one query per
 * unit is affordable here, unlike on the dashboards.
 */
import type { Client } from '@temporalio/client';
import { mapLimit } from '../../client/commands/campaign/concurrency.js';
import { overdueItemsOf, type OverdueItem } from '../../client/commands/campaign/overdue.js';
import { unitStatus } from '../../client/commands/campaign/unit-ops.js';
import { listUnits, type UnitFilter, type UnitRow } from '../../client/commands/campaign/visibility.js';
import type {
  EscalationView,
  SurveyRecord,
  UnitCampaignStatus,
} from '../../workflows/unit-campaign/messages.js';

export type Rag = 'red' | 'amber' | 'green';
export const RAG_LABELS: Record<Rag, string> = { red: '红', amber: '黄', green: '绿' };

/**
 * 红: an overdue item has reached the 指导组 (督办, level ≥ 3) or a 补课 has failed for good;
 * 黄: something is overdue, returned, in 补课 or the unit is paused; 绿: on schedule.
 */
export function ragOf(s: UnitCampaignStatus): Rag {
  const overdue = s.tasks.filter((t) => t.overdue);
  if (overdue.some((t) => t.escalationLevel >= 3)) return 'red';
  if (
    overdue.length > 0 ||
    s.remedialRound > 0 ||
    s.phase === 'paused' ||
    s.tasks.some((t) => t.status === 'returned')
  )
    return 'amber';
  return 'green';
}

export interface ReportUnit {
  row: UnitRow;
  status?: UnitCampaignStatus;
  error?: string;
}

export interface ReportData {
  campaignId: string;
  generatedAt: string;
  units: ReportUnit[];
  overdue: OverdueItem[];
  escalations: (EscalationView & { unitId: string; unitName: string; group: string; taskTitle: string })[];
  surveys: (SurveyRecord & { unitId: string; unitName: string; group: string })[];
}

export async function collectReport(
  client: Client,
  filter: UnitFilter,
  now: () => number = Date.now,
): Promise<ReportData> {
  const rows = await listUnits(client, filter);
  const units = await mapLimit(rows, 16, async (row): Promise<ReportUnit> => {
    try {
      return { row, status: await unitStatus(client, filter.campaignId, row.unitId) };
    } catch (e) {
      return { row, error: (e as Error).message };
    }
  });
  const at = now();
  const overdue: ReportData['overdue'] = [];
  const escalations: ReportData['escalations'] = [];
  const surveys: ReportData['surveys'] = [];
  for (const u of units) {
    const s = u.status;
    if (!s) continue;
    overdue.push(...overdueItemsOf(s, { group: u.row.group, unitType: u.row.unitType }, at));
    const titles = new Map(s.tasks.map((t) => [t.taskId, t.title]));
    for (const e of s.openEscalations)
      escalations.push({
        ...e,
        unitId: s.unitId,
        unitName: s.unitName,
        group: u.row.group,
        taskTitle: titles.get(e.taskId) ?? e.taskId,
      });
    for (const r of s.surveys)
      surveys.push({ ...r, unitId: s.unitId, unitName: s.unitName, group: u.row.group });
  }
  overdue.sort((a, b) => b.hoursLate - a.hoursLate || a.unitId.localeCompare(b.unitId));
  escalations.sort((a, b) => b.level - a.level || a.firedAt.localeCompare(b.firedAt));
  return {
    campaignId: filter.campaignId,
    generatedAt: new Date(at).toISOString(),
    units,
    overdue,
    escalations,
    surveys,
  };
}
