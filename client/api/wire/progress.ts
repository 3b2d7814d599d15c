/** GET …/progress: the samples behind the office's progress chart. */
export interface ProgressSample {
  at: string;
  byStage: Record<string, number>;
  /** Units with an overdue item. */
  overdue: number;
  /** Units in any 补课 round. */
  remedial: number;
}

export interface ProgressReply {
  campaignId: string;
  /** Shortest time between two samples. */
  intervalMs: number;
  samples: ProgressSample[];
}
