/** GET …/overview: the campaign's counts from Temporal visibility (also the CLI's `overview --json`). */
export interface CountBucket {
  value: string;
  count: number;
}

export interface CampaignOverview {
  campaignId: string;
  total: number;
  running: number;
  overdueUnits: number;
  byStage: CountBucket[];
  byUnitType: CountBucket[];
  byGroup: CountBucket[];
  byRemedialRound: CountBucket[];
  /** How the counts were obtained: `group_by` (one query per dimension) or `per_value`. */
  method: 'group_by' | 'per_value';
  queries: number;
  elapsedMs: number;
}
