/**
 * The data behind the office's Excel report (and the 简报): every unit of a campaign found by
 * visibility, then each unit's record (status, result, and the history of what it sent and was
 * sent), read with bounded concurrency. Only small rows are kept per unit, so a 10,000-unit
 * campaign does not hold 10,000 statuses at once.
 *
 * The 督办记录 and 逾期事项 sheets list everything that ever happened, not only what is open: a
 * completed unit has no open escalation and no overdue item, yet its history is what the 总结 needs.
 */
import { mapLimit } from '../concurrency.js';
import type { CampaignServices } from '../services.js';
import { listUnits, type UnitFilter, type UnitRow } from '../visibility.js';
import type {
  CampaignPhase,
  SurveyRecord,
  UnitCampaignStatus,
} from '../../workflows/unit-campaign/messages.js';
import { readUnitRecord, type EscalationRecord, type UnitRecord } from '../archive/unit-record.js';

export type Rag = 'red' | 'amber' | 'green';
export const RAG_LABELS: Record<Rag, string> = { red: '红', amber: '黄', green: '绿' };

/**
 * 红: an overdue item has reached the 指导组 (督办, level ≥ 3) or a 补课 has failed for good;
 * 黄: something is overdue, returned, in 补课 (a 补课 task still open) or the unit is paused; 绿: on schedule.
 */
export function ragOf(s: UnitCampaignStatus): Rag {
  const overdue = s.tasks.filter((t) => t.overdue);
  if (overdue.some((t) => t.escalationLevel >= 3)) return 'red';
  // In 补课 while a 补课 task is still open (as the console says), not forever after a passed re-survey.
  const inRemedial = s.tasks.some(
    (t) => t.origin === 'remedial' && t.status !== 'done' && t.status !== 'waived',
  );
  if (
    overdue.length > 0 ||
    inRemedial ||
    s.phase === 'paused' ||
    s.tasks.some((t) => t.status === 'returned')
  )
    return 'amber';
  return 'green';
}

/** What the report prints about one unit. */
export interface UnitSummary {
  unitName: string;
  stage: string;
  stageTitle: string;
  rag: Rag;
  done: number;
  total: number;
  overdueCount: number;
  remedialRound: number;
  /** A 补课 task is still open. */
  inRemedial: boolean;
  phase: CampaignPhase;
}

export interface ReportUnit {
  row: UnitRow;
  summary?: UnitSummary;
  error?: string;
}

/** An item that was overdue at some point: still overdue, finished late, or escalated. */
export interface OverdueRecord {
  unitId: string;
  unitName: string;
  group: string;
  taskId: string;
  title: string;
  stageId: string;
  dueAt: string;
  /** Hours past the deadline: until now while open, until completion once done. */
  hoursLate: number;
  /** Highest rung ever sent for it (0 when none was). */
  escalationLevel: number;
  escalationLabel?: string;
  state: '仍逾期' | '逾期后完成' | '逾期后报送' | '延期后完成' | '已免除' | '已延期' | '已撤销';
  completedAt?: string;
}

export type EscalationRow = EscalationRecord & { unitId: string; unitName: string; group: string };

export interface ReportData {
  campaignId: string;
  generatedAt: string;
  units: ReportUnit[];
  overdue: OverdueRecord[];
  escalations: EscalationRow[];
  surveys: (SurveyRecord & { unitId: string; unitName: string; group: string })[];
  /** Stage id → title, from the plans the units run. */
  stageTitles: Record<string, string>;
  /** The earliest unit start (ISO date or instant), for numbering the 简报. */
  campaignStart?: string;
  /** 活动名称, as the units were started with it. */
  campaignTitle?: string;
}

export type RecordSource = (campaignId: string, unitId: string) => Promise<UnitRecord>;

function summaryOf(s: UnitCampaignStatus): UnitSummary {
  return {
    unitName: s.unitName,
    stage: s.stage,
    stageTitle:
      s.stage === 'done'
        ? '已完成'
        : s.stage === 'cancelled'
          ? '已撤销'
          : (s.stages.find((x) => x.stageId === s.stage)?.title ?? s.stage),
    rag: ragOf(s),
    done: s.tasks.filter((t) => t.status === 'done' || t.status === 'waived').length,
    total: s.tasks.length,
    overdueCount: s.overdueCount,
    remedialRound: s.remedialRound,
    inRemedial: s.tasks.some((t) => t.origin === 'remedial' && t.status !== 'done' && t.status !== 'waived'),
    phase: s.phase,
  };
}

function overdueRecordsOf(r: UnitRecord, group: string, now: number): OverdueRecord[] {
  const s = r.status;
  const out: OverdueRecord[] = [];
  for (const t of s.tasks) {
    const sent = r.escalations.filter((e) => e.taskId === t.taskId);
    if (!t.overdue && !t.late && sent.length === 0) continue;
    const top = [...sent].sort((a, b) => b.level - a.level)[0];
    const end = t.overdue ? now : Date.parse(t.completedAt ?? r.asOf);
    let state: OverdueRecord['state'];
    if (t.overdue) state = '仍逾期';
    else if (t.status === 'waived') state = '已免除';
    else if (t.status === 'done') state = t.late ? '逾期后完成' : '延期后完成';
    else if (t.status === 'submitted') state = '逾期后报送';
    else if (s.phase === 'cancelled') state = '已撤销';
    else state = '已延期';
    out.push({
      unitId: s.unitId,
      unitName: s.unitName,
      group,
      taskId: t.taskId,
      title: t.title,
      stageId: t.stageId,
      dueAt: t.dueAt,
      hoursLate: Math.max(0, Math.floor((end - Date.parse(t.dueAt)) / 3_600_000)),
      escalationLevel: Math.max(top?.level ?? 0, t.escalationLevel),
      ...(top ? { escalationLabel: top.label } : {}),
      state,
      ...(t.completedAt ? { completedAt: t.completedAt } : {}),
    });
  }
  return out;
}

export async function collectReport(
  svc: CampaignServices,
  filter: UnitFilter,
  now: () => number = Date.now,
  source: RecordSource = (c, u) => readUnitRecord(svc, c, u),
  /** The units to report on, when the caller has listed them already (default: visibility). */
  listed?: readonly UnitRow[],
): Promise<ReportData> {
  const rows = listed ?? (await listUnits(svc.client, filter));
  const at = now();
  const overdue: ReportData['overdue'] = [];
  const escalations: ReportData['escalations'] = [];
  const surveys: ReportData['surveys'] = [];
  const stageTitles: Record<string, string> = {};
  let campaignStart: string | undefined;
  let campaignTitle: string | undefined;
  const units = await mapLimit(rows, 16, async (row): Promise<ReportUnit> => {
    let r: UnitRecord;
    try {
      r = await source(filter.campaignId, row.unitId);
    } catch (e) {
      return { row, error: (e as Error).message };
    }
    const s = r.status;
    for (const st of s.stages) stageTitles[st.stageId] ??= st.title;
    campaignTitle ??= r.campaignTitle;
    const start = r.result?.startedAt ?? r.input.start;
    if (campaignStart === undefined || Date.parse(start) < Date.parse(campaignStart)) campaignStart = start;
    overdue.push(...overdueRecordsOf(r, row.group, at));
    for (const e of r.escalations)
      escalations.push({ ...e, unitId: s.unitId, unitName: s.unitName, group: row.group });
    for (const x of s.surveys)
      surveys.push({ ...x, unitId: s.unitId, unitName: s.unitName, group: row.group });
    return { row, summary: summaryOf(s) };
  });
  overdue.sort(
    (a, b) =>
      Number(b.state === '仍逾期') - Number(a.state === '仍逾期') ||
      b.hoursLate - a.hoursLate ||
      a.unitId.localeCompare(b.unitId) ||
      a.taskId.localeCompare(b.taskId),
  );
  escalations.sort(
    (a, b) => b.level - a.level || a.firstAt.localeCompare(b.firstAt) || a.unitId.localeCompare(b.unitId),
  );
  surveys.sort((a, b) => a.unitId.localeCompare(b.unitId) || a.round - b.round);
  return {
    campaignId: filter.campaignId,
    generatedAt: new Date(at).toISOString(),
    units,
    overdue,
    escalations,
    surveys,
    stageTitles,
    ...(campaignStart ? { campaignStart } : {}),
  };
}
