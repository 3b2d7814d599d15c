/** GET …/unit-health: the campaign's stuck units (流程异常，需要技术处理), for the board and the office. */
import type { WorkflowProblem } from './delivery-problems.js';

export interface UnitHealthList {
  campaignId: string;
  /** Units whose workflow task keeps failing, by unit id (a 指导组 sees its own units only). */
  stuck: WorkflowProblem[];
  /** When the last scan of this campaign finished (ISO); absent before the first scan. */
  scannedAt?: string;
}
