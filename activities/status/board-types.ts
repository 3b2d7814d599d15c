/**
 * What the board's aggregate queries answer (board-queries.ts): the office's and a 指导组's counts,
 * 红黄绿, units page, open escalations, survey summary and reviews waiting. Types only: the API's
 * wire types (client/api/wire/board.ts) re-export them for the console.
 */
import type { ReviewView } from '../../workflows/unit-campaign/messages.js';

export type BoardRag = 'red' | 'amber' | 'green';

export interface BoardScope {
  campaignId: string;
  /** A 指导组's own units only. */
  groupId?: string;
}

export interface Bucket {
  value: string;
  count: number;
}

export interface BoardSummary {
  campaignId: string;
  groupId?: string;
  /** The instant the time-dependent parts (overdue, 红黄绿) were evaluated at (UTC ISO). */
  asOf: string;
  /** Units that have published a status (a unit whose workflow has not run its first task has not). */
  published: number;
  byPhase: Bucket[];
  byStage: Bucket[];
  byUnitType: Bucket[];
  byGroup: Bucket[];
  byRemedialRound: Bucket[];
  rag: Record<BoardRag, number>;
  overdueUnits: number;
  escalations: { open: number; unacknowledged: number; units: number; byLevel: Bucket[] };
  reviews: { waiting: number; pastLimit: number };
  surveys: { units: number; remedialNeeded: number };
}

export interface BoardUnitsFilter {
  unitType?: string;
  stage?: string;
  overdue?: boolean;
  remedialRound?: number;
  rag?: BoardRag;
}

export interface Page {
  limit: number;
  offset: number;
}

export interface BoardStageCell {
  stageId: string;
  title: string;
  rag: BoardRag | 'grey';
  complete: boolean;
}

export interface BoardUnitRow {
  unitId: string;
  unitName: string;
  unitType: string;
  group: string;
  groupName?: string;
  phase: string;
  stage: string;
  remedialRound: number;
  overdueCount: number;
  rag: BoardRag;
  openEscalations: number;
  stages: BoardStageCell[];
}

export interface BoardUnitPage extends Page {
  total: number;
  /** The stage columns of the rows on this page, in plan order. */
  columns: { stageId: string; title: string }[];
  units: BoardUnitRow[];
}

export interface BoardEscalationItem {
  unitId: string;
  unitName: string;
  group: string;
  taskId: string;
  taskTitle: string;
  level: number;
  label: string;
  firedAt: string;
  repeats: number;
  acknowledged: boolean;
}

export interface BoardEscalationPage extends Page {
  total: number;
  unacknowledged: number;
  items: BoardEscalationItem[];
}

export interface SurveyRound {
  round: number;
  units: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  respondents: number;
  remedialNeeded: number;
}

export interface SurveyUnitResult {
  unitId: string;
  unitName: string;
  group: string;
  round: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  respondents: number;
  dissatisfiedShare: number;
  remedialNeeded: boolean;
  recordedAt: string;
}

export interface BoardSurveySummary extends Page {
  /** Units with at least one result; of them, whose latest result needs 补课. */
  surveyedUnits: number;
  latestRemedialNeeded: number;
  byRound: SurveyRound[];
  /** Each unit's latest result, most dissatisfied first (paged). */
  units: SurveyUnitResult[];
}

export interface BoardReviewItem {
  unitId: string;
  unitName: string;
  group: string;
  taskId: string;
  title: string;
  submissions: number;
  dueAt: string;
  submittedAt: string;
  review?: ReviewView;
}

export interface BoardReviewPage extends Page {
  total: number;
  pastLimit: number;
  items: BoardReviewItem[];
}

/** The aggregate queries every status store answers (SQLite and PostgreSQL, one contract). */
export interface BoardReader {
  boardSummary(scope: BoardScope, now: string): Promise<BoardSummary>;
  boardUnits(scope: BoardScope, filter: BoardUnitsFilter, page: Page, now: string): Promise<BoardUnitPage>;
  boardEscalations(
    scope: BoardScope,
    o: Page & { unacknowledgedOnly?: boolean },
  ): Promise<BoardEscalationPage>;
  boardSurveys(scope: BoardScope, page: Page): Promise<BoardSurveySummary>;
  boardReviews(scope: BoardScope, page: Page, now: string): Promise<BoardReviewPage>;
}
