/**
 * What one weekly 简报 says, computed from the same report data as the Excel report (so the two
 * cannot disagree): the totals in words and numbers, the 红黄绿 counts by stage and by 指导组, the
 * period's 督办 and 通报, and the survey results so far.
 */
import { DateTime } from 'luxon';
import { RAG_LABELS, type Rag, type ReportData } from './collect.js';

export interface RagCount {
  key: string;
  name: string;
  red: number;
  amber: number;
  green: number;
  total: number;
}

export interface BriefingItem {
  unitName: string;
  taskTitle: string;
  level: number;
  label: string;
  kind: string;
  at: string;
  acknowledged: boolean;
  resolution?: string;
}

export interface BriefingSurvey {
  unitName: string;
  group: string;
  round: number;
  respondents: number;
  satisfiedRate: number;
  dissatisfiedShare: number;
  remedialNeeded: boolean;
}

export interface BriefingData {
  campaignId: string;
  campaignTitle: string;
  officeName: string;
  /** yyyy-MM-dd (Beijing): the issue's date. */
  date: string;
  /** 第N期: weeks since the campaign started, counting the first week as 1. */
  issue: number;
  /** The period the 督办/通报 list covers: the seven days up to `date`. */
  periodFrom: string;
  totals: {
    units: number;
    completed: number;
    running: number;
    paused: number;
    cancelled: number;
    unreadable: number;
    overdueUnits: number;
    overdueItems: number;
    remedialUnits: number;
  } & Record<Rag, number>;
  byStage: RagCount[];
  byGroup: RagCount[];
  escalations: BriefingItem[];
  surveys: BriefingSurvey[];
}

export const RAG_ORDER: readonly Rag[] = ['red', 'amber', 'green'];
export { RAG_LABELS };

function tally(map: Map<string, RagCount>, key: string, name: string, rag: Rag): void {
  const c = map.get(key) ?? { key, name, red: 0, amber: 0, green: 0, total: 0 };
  c[rag] += 1;
  c.total += 1;
  map.set(key, c);
}

export function issueNumber(campaignStart: string | undefined, date: string): number {
  if (!campaignStart) return 1;
  const start = DateTime.fromISO(campaignStart, { zone: 'Asia/Shanghai' }).startOf('day');
  const day = DateTime.fromISO(date, { zone: 'Asia/Shanghai' }).startOf('day');
  if (!start.isValid || !day.isValid) return 1;
  return Math.max(1, Math.floor(day.diff(start, 'days').days / 7) + 1);
}

export function briefingOf(
  data: ReportData,
  o: { campaignTitle: string; officeName: string; date: string },
): BriefingData {
  const stageOrder = [...Object.keys(data.stageTitles), 'done', 'cancelled'];
  const byStage = new Map<string, RagCount>();
  const byGroup = new Map<string, RagCount>();
  const totals = {
    units: data.units.length,
    completed: 0,
    running: 0,
    paused: 0,
    cancelled: 0,
    unreadable: 0,
    overdueUnits: 0,
    overdueItems: 0,
    remedialUnits: 0,
    red: 0,
    amber: 0,
    green: 0,
  };
  for (const u of data.units) {
    const s = u.summary;
    if (!s) {
      totals.unreadable += 1;
      continue;
    }
    totals[s.rag] += 1;
    if (s.phase === 'completed') totals.completed += 1;
    else if (s.phase === 'paused') totals.paused += 1;
    else if (s.phase === 'cancelled') totals.cancelled += 1;
    else totals.running += 1;
    if (s.overdueCount > 0) totals.overdueUnits += 1;
    totals.overdueItems += s.overdueCount;
    if (s.inRemedial) totals.remedialUnits += 1;
    tally(byStage, s.stage, s.stageTitle, s.rag);
    tally(byGroup, u.row.group, u.row.groupName ?? u.row.group, s.rag);
  }
  const stageRank = (k: string) => (stageOrder.includes(k) ? stageOrder.indexOf(k) : stageOrder.length);
  const to = DateTime.fromISO(o.date, { zone: 'Asia/Shanghai' }).endOf('day');
  const from = to.minus({ days: 7 });
  const unitNames = new Map(
    data.units.map((u) => [u.row.unitId, u.summary?.unitName ?? u.row.unitName ?? u.row.unitId]),
  );
  const escalations = data.escalations
    .filter((e) => e.level >= 3 || e.kind !== '催办')
    .filter((e) => {
      const at = DateTime.fromISO(e.firstAt);
      return at > from && at <= to;
    })
    .sort(
      (a, b) => b.level - a.level || a.firstAt.localeCompare(b.firstAt) || a.unitId.localeCompare(b.unitId),
    )
    .map((e) => ({
      unitName: unitNames.get(e.unitId) ?? e.unitName,
      taskTitle: e.taskTitle,
      level: e.level,
      label: e.label,
      kind: e.kind,
      at: e.firstAt,
      acknowledged: e.acknowledgedAt !== undefined,
      ...(e.resolution ? { resolution: e.resolution } : {}),
    }));
  const latest = new Map<string, (typeof data.surveys)[number]>();
  for (const s of data.surveys) if ((latest.get(s.unitId)?.round ?? 0) < s.round) latest.set(s.unitId, s);
  const surveys = [...latest.values()]
    .sort((a, b) => a.unitId.localeCompare(b.unitId))
    .map((s) => ({
      unitName: s.unitName,
      group: s.group,
      round: s.round,
      respondents: s.respondents,
      satisfiedRate: (s.satisfied + s.basicallySatisfied) / s.respondents,
      dissatisfiedShare: s.dissatisfiedShare,
      remedialNeeded: s.remedialNeeded,
    }));
  return {
    campaignId: data.campaignId,
    campaignTitle: o.campaignTitle,
    officeName: o.officeName,
    date: o.date,
    issue: issueNumber(data.campaignStart, o.date),
    periodFrom: from.plus({ days: 1 }).toISODate() ?? o.date,
    totals,
    byStage: [...byStage.values()].sort(
      (a, b) => stageRank(a.key) - stageRank(b.key) || a.key.localeCompare(b.key),
    ),
    byGroup: [...byGroup.values()].sort((a, b) => a.key.localeCompare(b.key)),
    escalations,
    surveys,
  };
}

/** 2009年11月10日. */
export function cnDay(date: string): string {
  const d = DateTime.fromISO(date, { zone: 'Asia/Shanghai' });
  return d.isValid ? `${d.year}年${d.month}月${d.day}日` : date;
}

/** The period's progress in words, with the numbers in them. */
export function progressWords(b: BriefingData): string[] {
  const t = b.totals;
  const stages = b.byStage
    .filter((s) => s.key !== 'done' && s.key !== 'cancelled')
    .map((s) => `${s.name} ${s.total} 个`)
    .join('，');
  const lines = [
    `截至${cnDay(b.date)}，本次活动共有参学单位 ${t.units} 个，其中已完成全部工作、进入资料归档的 ${t.completed} 个，正在进行的 ${t.running} 个${t.paused > 0 ? `，暂停的 ${t.paused} 个` : ''}${t.cancelled > 0 ? `，撤销的 ${t.cancelled} 个` : ''}。`,
    stages ? `正在进行的单位中，${stages}。` : '目前没有正在进行的单位。',
    `按红黄绿三色督办：红色 ${t.red} 个，黄色 ${t.amber} 个，绿色 ${t.green} 个。有逾期事项的单位 ${t.overdueUnits} 个，逾期事项共 ${t.overdueItems} 项；正在补课的单位 ${t.remedialUnits} 个。`,
  ];
  if (t.unreadable > 0) lines.push(`另有 ${t.unreadable} 个单位本期未能读取进度，未计入以上数字。`);
  return lines;
}
