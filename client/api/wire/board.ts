/**
 * GET …/board and …/board/{units,escalations,surveys,reviews}: the office's and a 指导组's counts,
 * 红黄绿, units, open escalations, survey summary and reviews waiting, aggregated by the server
 * over the status read model (activities/status/board-types.ts defines the shapes once).
 */
import type { BoardRag, BoardSummary } from '../../../activities/status/board-types.js';

export type {
  BoardEscalationItem,
  BoardEscalationPage,
  BoardRag,
  BoardReviewItem,
  BoardReviewPage,
  BoardStageCell,
  BoardSummary,
  BoardSurveySummary,
  BoardUnitPage,
  BoardUnitRow,
  Bucket,
  SurveyRound,
  SurveyUnitResult,
} from '../../../activities/status/board-types.js';

export interface BoardOverview extends BoardSummary {
  /** Units launched in the scope (the campaign directory). */
  launched: number;
  /** Launched units that have not published a status yet (their workflow has not run its first task). */
  starting: number;
  elapsedMs: number;
}

/** The query string of …/board/units (a 指导组 is narrowed to its own units). */
export interface BoardUnitsQuery {
  unitType?: string;
  group?: string;
  stage?: string;
  overdue?: boolean;
  remedialRound?: number;
  rag?: BoardRag;
  limit?: number;
  offset?: number;
}

/** …/board/escalations, …/board/surveys and …/board/reviews. */
export interface BoardPageQuery {
  limit?: number;
  offset?: number;
  /** …/board/escalations only. */
  unacknowledged?: boolean;
}
