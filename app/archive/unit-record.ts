/**
 * Everything the archive and the reports know about one unit, from one place: its status (through
 * `unitStatus`, the one way status is read), its result once the workflow has closed, and what
 * only the workflow's history holds (submissions with their files, reviews with their reasons,
 * acknowledgements, the 督办/通报 it sent). When the workflow keeps these in its status, only
 * `recordFromHistory` changes.
 */
import type { Plan } from '../../domain/plan/schema.js';
import { isEscalationEvent, type EventKind } from '../../domain/routing/event-kinds.js';
import { unitWorkflowId } from '../../workflows/ids.js';
import type {
  UnitCampaignInput,
  UnitCampaignResult,
  UnitCampaignStatus,
} from '../../workflows/unit-campaign/messages.js';
import type { CampaignServices } from '../services.js';
import { unitStatus } from '../unit-operations.js';
import { readUnitHistory, type UnitHistory } from './history.js';

export interface SubmissionRecord {
  taskId: string;
  /** 1 for the first submission of this task, 2 for the next… (the file's version). */
  n: number;
  at: string;
  by: string;
  byName: string;
  summary: string;
  fileRefs: string[];
}

export interface ReviewRecord {
  taskId: string;
  at: string;
  by: string;
  byName: string;
  decision: 'approve' | 'return';
  reasons: string[];
  /** Checklist items that failed (四不通过 …), with the checklist's words. */
  failedItems: { id: string; text: string }[];
  checklistTitle?: string;
}

/** One rung of one deadline's escalation ladder, as the workflow sent it. */
export interface EscalationRecord {
  taskId: string;
  taskTitle: string;
  /** The deadline's revision (a return or extension starts a new one). */
  rev: number;
  level: number;
  label: string;
  /** 催办 / 督办 / 通报, by whom it reaches. */
  kind: '催办' | '督办' | '通报';
  firstAt: string;
  /** Repeats sent after the first (the last rung repeats until done or acknowledged). */
  repeats: number;
  /** Who it went to, in words (指导组（张三、李四）…). */
  to: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  /** How the overdue item ended: 已报送、已免除、已延期、整体顺延、重新限期、已撤销; absent while open. */
  resolution?: string;
}

export interface UnitRecord {
  campaignId: string;
  unitId: string;
  campaignTitle: string;
  input: Omit<UnitCampaignInput, 'carried'>;
  plan?: Plan;
  status: UnitCampaignStatus;
  result?: UnitCampaignResult;
  submissions: SubmissionRecord[];
  reviews: ReviewRecord[];
  escalations: EscalationRecord[];
  /** The latest moment the record reflects: the archive's timestamps, so equal records give equal bytes. */
  asOf: string;
}

const KIND_OF: Partial<Record<EventKind, EscalationRecord['kind']>> = {
  urge: '催办',
  supervise: '督办',
  bulletin: '通报',
};
const ROLE_WORDS: Record<string, string> = {
  liaison: '联络员',
  head: '第一责任人',
  group: '指导组',
  group_robot: '指导组群',
  office: '活动办',
  paired: '结对共建单位',
  district_leader: '区主要负责同志',
};
const ESCALATION_ID = /\/task\/([^/]+)\/v(\d+)\/escalation\/L(\d+)\/(\d+)$/;

function peopleOf(input: Omit<UnitCampaignInput, 'carried'>): Map<string, string> {
  const people = new Map<string, string>();
  for (const p of [
    input.unit.head,
    input.unit.liaison,
    ...input.unit.group.members,
    ...input.office.members,
    ...(input.districtLeader ? [input.districtLeader] : []),
  ])
    people.set(p.id, p.name);
  return people;
}

function checklistOf(
  plan: Plan | undefined,
  taskId: string,
): { title: string; items: { id: string; text: string }[] } | undefined {
  const step = plan?.stages.flatMap((s) => s.steps).find((s) => s.id === taskId);
  const id = step?.review?.checklist;
  return id ? plan?.checklists[id] : undefined;
}

function describeRecipients(list: { role: string; name: string }[]): string {
  const byRole = new Map<string, string[]>();
  for (const r of list) byRole.set(r.role, [...(byRole.get(r.role) ?? []), r.name]);
  return [...byRole]
    .map(([role, names]) => `${ROLE_WORDS[role] ?? role}（${[...new Set(names)].join('、')}）`)
    .join('；');
}

/** What ended an overdue item of `taskId` after `from`: the first Update that did, if any. */
function resolutionOf(
  h: UnitHistory,
  status: UnitCampaignStatus,
  taskId: string,
  from: string,
): { at?: string; how: string } | undefined {
  const kind = status.tasks.find((t) => t.taskId === taskId)?.kind;
  for (const u of h.updates) {
    if (!u.ok || u.at < from) continue;
    const a = (u.args ?? {}) as { taskId?: string };
    if (u.name === 'submitDeliverable' && a.taskId === taskId) return { at: u.at, how: '已报送' };
    if (u.name === 'recordSurvey' && kind === 'satisfaction_survey') return { at: u.at, how: '已测评' };
    if (u.name === 'waiveTask' && a.taskId === taskId) return { at: u.at, how: '已免除' };
    if (u.name === 'extendDeadline' && a.taskId === taskId) return { at: u.at, how: '已延期' };
    if (u.name === 'shiftDates' || u.name === 'resume') return { at: u.at, how: '整体顺延' };
    if (u.name === 'cancel') return { at: u.at, how: '已撤销' };
  }
  return undefined;
}

function escalationsOf(
  h: UnitHistory,
  status: UnitCampaignStatus,
  people: Map<string, string>,
): EscalationRecord[] {
  const titles = new Map(status.tasks.map((t) => [t.taskId, t.title]));
  const labels = new Map((h.plan?.escalation.levels ?? []).map((l) => [l.level, l.label]));
  for (const e of status.openEscalations) labels.set(e.level, e.label);
  const seen = new Set<string>();
  const byRung = new Map<string, EscalationRecord>();
  for (const n of h.notifications) {
    const m = ESCALATION_ID.exec(n.input.notificationId);
    if (!m || !isEscalationEvent(n.input.event) || seen.has(n.input.notificationId)) continue;
    seen.add(n.input.notificationId);
    const [taskId, rev, level, repeat] = [m[1]!, Number(m[2]), Number(m[3]), Number(m[4])];
    const key = `${taskId}/${rev}/${level}`;
    const r = byRung.get(key);
    if (r) r.repeats = Math.max(r.repeats, repeat);
    else
      byRung.set(key, {
        taskId,
        taskTitle:
          titles.get(taskId) ?? (typeof n.input.facts.task === 'string' ? n.input.facts.task : taskId),
        rev,
        level,
        label: labels.get(level) ?? `第${level}级`,
        kind: KIND_OF[n.input.event] ?? '催办',
        firstAt: n.at,
        repeats: repeat,
        to: describeRecipients(n.input.recipients),
      });
  }
  const records = [...byRung.values()].sort(
    (a, b) => a.firstAt.localeCompare(b.firstAt) || a.taskId.localeCompare(b.taskId) || a.level - b.level,
  );
  for (const u of h.updates) {
    if (u.name !== 'acknowledgeEscalation' || !u.ok) continue;
    const a = u.args as { taskId: string; level: number; by: string };
    const r = records
      .filter((x) => x.taskId === a.taskId && x.level === a.level && x.firstAt <= u.at && !x.acknowledgedAt)
      .at(-1);
    if (r) {
      r.acknowledgedAt = u.at;
      r.acknowledgedBy = people.get(a.by) ?? a.by;
    }
  }
  for (const r of records) {
    const ended = resolutionOf(h, status, r.taskId, r.firstAt);
    const later = records.find((x) => x.taskId === r.taskId && x.rev > r.rev);
    if (ended && (!later || !ended.at || ended.at <= later.firstAt)) {
      if (ended.at) r.resolvedAt = ended.at;
      r.resolution = ended.how;
    } else if (later) r.resolution = '重新限期';
    else {
      const t = status.tasks.find((x) => x.taskId === r.taskId);
      if (t && (t.status === 'done' || t.status === 'waived') && t.completedAt) {
        r.resolvedAt = t.completedAt;
        r.resolution = t.status === 'waived' ? '已免除' : '已完成';
      } else if (status.phase === 'cancelled') r.resolution = '已撤销';
    }
  }
  return records;
}

function recordFromHistory(
  h: UnitHistory,
  status: UnitCampaignStatus,
  result?: UnitCampaignResult,
): UnitRecord {
  const people = peopleOf(h.input);
  const submissions: SubmissionRecord[] = [];
  const reviews: ReviewRecord[] = [];
  const count = new Map<string, number>();
  for (const u of h.updates) {
    if (!u.ok) continue;
    if (u.name === 'submitDeliverable') {
      const a = u.args as { taskId: string; submittedBy: string; summary: string; fileRefs?: string[] };
      const n = (count.get(a.taskId) ?? 0) + 1;
      count.set(a.taskId, n);
      submissions.push({
        taskId: a.taskId,
        n,
        at: u.at,
        by: a.submittedBy,
        byName: people.get(a.submittedBy) ?? a.submittedBy,
        summary: a.summary,
        fileRefs: [...(a.fileRefs ?? [])],
      });
    } else if (u.name === 'reviewDeliverable') {
      const a = u.args as {
        taskId: string;
        reviewedBy: string;
        decision: 'approve' | 'return';
        reasons?: string[];
        failedItems?: string[];
      };
      const list = checklistOf(h.plan, a.taskId);
      reviews.push({
        taskId: a.taskId,
        at: u.at,
        by: a.reviewedBy,
        byName: people.get(a.reviewedBy) ?? a.reviewedBy,
        decision: a.decision,
        reasons: [...(a.reasons ?? [])],
        failedItems: (a.failedItems ?? []).map((id) => ({
          id,
          text: list?.items.find((i) => i.id === id)?.text ?? id,
        })),
        ...(list ? { checklistTitle: list.title } : {}),
      });
    }
  }
  const times = [status.timeline.at(-1)?.at, result?.finishedAt, h.updates.at(-1)?.at].filter(
    (t): t is string => typeof t === 'string',
  );
  return {
    campaignId: h.input.campaignId,
    unitId: h.input.unit.id,
    campaignTitle: h.input.campaignTitle,
    input: h.input,
    ...(h.plan ? { plan: h.plan } : {}),
    status,
    ...(result ? { result } : {}),
    submissions,
    reviews,
    escalations: escalationsOf(h, status, people),
    asOf: times.sort().at(-1) ?? h.input.start,
  };
}

/** The unit's record as of now. Throws a CampaignFailure (NotFound, from unitStatus) when the unit is unknown. */
export async function readUnitRecord(
  svc: CampaignServices,
  campaignId: string,
  unitId: string,
): Promise<UnitRecord> {
  const status = await unitStatus(svc, campaignId, unitId);
  const handle = svc.client.workflow.getHandle(unitWorkflowId(campaignId, unitId));
  const [history, described] = await Promise.all([
    readUnitHistory(svc.client, campaignId, unitId),
    handle.describe(),
  ]);
  const result =
    described.status.name === 'COMPLETED' ? ((await handle.result()) as UnitCampaignResult) : undefined;
  return recordFromHistory(history, status, result);
}
