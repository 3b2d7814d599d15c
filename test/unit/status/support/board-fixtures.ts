/**
 * Published statuses for the board's tests: a unit with tasks, escalations, surveys and reviews
 * chosen per test, pinned to 2009 (the shipped plan's dates); nothing depends on today's date.
 */
import type { UnitStatusRecord } from '../../../../activities/status/status-store.js';
import type {
  EscalationView,
  SurveyRecord,
  TaskView,
  UnitCampaignStatus,
} from '../../../../workflows/unit-campaign/messages.js';

export const STAGES: UnitCampaignStatus['stages'] = [
  {
    stageId: 'study',
    title: '学习调研阶段',
    status: 'open',
    opensAt: '2009-09-01T01:00:00.000Z',
    dueAt: '2009-10-30T09:30:00.000Z',
  },
  {
    stageId: 'analysis',
    title: '分析检查阶段',
    status: 'pending',
    opensAt: '2009-11-02T01:00:00.000Z',
    dueAt: '2009-12-30T09:30:00.000Z',
  },
];

export function task(taskId: string, o: Partial<TaskView> = {}): TaskView {
  return {
    taskId,
    stageId: 'study',
    title: `事项${taskId}`,
    kind: 'document',
    origin: 'plan',
    status: 'open',
    opensAt: '2009-09-01T01:00:00.000Z',
    dueAt: '2009-09-15T09:30:00.000Z',
    needsReview: false,
    gap: false,
    overdue: false,
    late: false,
    submissions: 0,
    returns: 0,
    escalationLevel: 0,
    ...o,
  };
}

export function escalation(taskId: string, level: number, o: Partial<EscalationView> = {}): EscalationView {
  return {
    taskId,
    level,
    label: ['', '催办', '督办', '通报'][level] ?? '通报',
    firedAt: `2009-09-1${level}T01:00:00.000Z`,
    repeats: 0,
    acknowledged: false,
    ...o,
  };
}

export function survey(round: number, dissatisfied: number, o: Partial<SurveyRecord> = {}): SurveyRecord {
  const respondents = 20;
  return {
    round,
    satisfied: respondents - dissatisfied - 2,
    basicallySatisfied: 2,
    dissatisfied,
    respondents,
    method: '集中评议',
    dissatisfiedShare: dissatisfied / respondents,
    remedialNeeded: dissatisfied / respondents > 0.3,
    recordedAt: '2009-12-01T02:00:00.000Z',
    ...o,
  };
}

export interface UnitShape {
  groupId?: string;
  groupName?: string;
  unitType?: string;
  stage?: string;
  phase?: UnitCampaignStatus['phase'];
  remedialRound?: number;
  tasks?: TaskView[];
  openEscalations?: EscalationView[];
  surveys?: SurveyRecord[];
  run?: number;
  seq?: number;
  campaignId?: string;
}

export function unitRecord(unitId: string, o: UnitShape = {}): UnitStatusRecord {
  const campaignId = o.campaignId ?? 'c1';
  const phase = o.phase ?? 'running';
  const stage = o.stage ?? 'study';
  const tasks = o.tasks ?? [task('t1')];
  const status: UnitCampaignStatus = {
    campaignId,
    unitId,
    unitName: `单位${unitId}`,
    planId: 'town_office',
    phase,
    stage,
    stages: STAGES,
    tasks,
    overdueCount: 0,
    openEscalations: o.openEscalations ?? [],
    surveys: o.surveys ?? [],
    remedialRound: o.remedialRound ?? 0,
    lookBackDone: false,
    timeline: [],
    timelineDropped: 0,
    run: o.run ?? 1,
  };
  const open = tasks.filter((t) => t.status === 'open' || t.status === 'returned').map((t) => t.dueAt);
  return {
    campaignId,
    unitId,
    run: o.run ?? 1,
    seq: o.seq ?? 1,
    groupId: o.groupId ?? 'G1',
    ...(o.groupName ? { groupName: o.groupName } : {}),
    unitType: o.unitType ?? 'town_office',
    phase,
    stage,
    remedialRound: o.remedialRound ?? 0,
    ...(open.length > 0 ? { earliestDueAt: open.sort()[0]! } : {}),
    asOf: '2009-09-01T01:00:00.000Z',
    status,
  };
}
