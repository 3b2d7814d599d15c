/** GET …/overdue: each late item, how late it is and how far its escalation has gone. */
export interface OverdueItem {
  unitId: string;
  unitName: string;
  group: string;
  unitType: string;
  taskId: string;
  title: string;
  stageId: string;
  dueAt: string;
  /** Whole hours past the deadline (days are hours / 24; a deadline passes on the minute). */
  hoursLate: number;
  escalationLevel: number;
  escalationLabel?: string;
  acknowledged: boolean;
}

export interface OverdueList {
  items: OverdueItem[];
  /** Units visibility named as overdue, each asked for its status. */
  unitsQueried: number;
  /** Units whose status could not be read; their items are missing from `items`. */
  failures: { unitId: string; error: string }[];
}
