/** GET …/units: one row per unit, from visibility only (no query to any workflow). */
export interface UnitRow {
  workflowId: string;
  unitId: string;
  /** From the memo set at start; absent for units started before names were memoised. */
  unitName?: string;
  groupName?: string;
  unitType: string;
  group: string;
  stage: string;
  overdueCount: number;
  remedialRound: number;
  status: string;
}

export interface UnitList {
  units: UnitRow[];
}

/** The query string of …/units and …/overdue (a 指导组 and a unit are narrowed to their own units). */
export interface UnitListQuery {
  unitType?: string;
  group?: string;
  stage?: string;
  overdue?: boolean;
  remedialRound?: number;
  limit?: number;
}
