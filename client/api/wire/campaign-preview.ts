/**
 * POST …/preview: what the office sees before launching — every plan error (file:line:field),
 * every roster error with its row, and per kind of unit in the roster the calendar it would get.
 */
import type { PlanIssue } from '../../../domain/plan/issue.js';
import type { RosterError } from '../../../domain/roster/types.js';
import type { UnitFlag, UnitType } from '../../../domain/unit-types.js';

export interface PreviewTask {
  taskId: string;
  no?: number;
  title: string;
  /** Titles of the steps this one follows (plan `after`): it opens when they are done; opensAt is the planned date. */
  after?: string[];
  opensAt: string;
  dueAt: string;
  review?: string;
  reminders: { at: string; label: string }[];
  escalations: { level: number; at: string; label: string }[];
}

export interface UnitKindPreview {
  unitType: UnitType;
  unitTypeLabel: string;
  flags: UnitFlag[];
  flagLabels: string[];
  unitCount: number;
  /** Set when the plan does not serve this unit type: its units would be refused at start. */
  refusedReason?: string;
  stages: {
    stageId: string;
    title: string;
    opensAt: string;
    dueAt: string;
    afterPrevious: boolean;
    tasks: PreviewTask[];
  }[];
  warnings: string[];
}

export interface CampaignPreview {
  /** True when a launch would start units (with skipBadRows when the roster has bad rows). */
  ok: boolean;
  plan?: { id: string; title: string; stages: number; steps: number; calendar: string; escalation: string[] };
  planErrors: (PlanIssue & { text: string })[];
  /** Missing or malformed form fields (start date, files). */
  inputErrors: string[];
  rosterErrors: RosterError[];
  rosterWarnings: RosterError[];
  roster?: { units: number; usableUnits: number; rowsWithErrors: number[]; fatal: boolean };
  previews: UnitKindPreview[];
}
