/** GET …/extension-requests and POST …/extension-requests/decide (延期申请), as the console reads them. */
import type { DecideExtensionRequest } from '../../../workflows/unit-campaign/messages.js';

export interface PendingExtensionRow {
  unitId: string;
  unitName: string;
  group: string;
  taskId: string;
  title: string;
  dueAt: string;
  newDueAt: string;
  reason: string;
  workingDays: number;
  requestedAt: string;
  requestedBy: string;
  /** supervisor_group: 指导组审批; office: 报活动办审批. */
  decider: 'supervisor_group' | 'office';
  decideBy?: string;
  escalationLevel: number;
}

export interface PendingExtensionList {
  campaignId: string;
  requests: PendingExtensionRow[];
}

/** The office's batch decision: which requests, and the one decision for all (the person comes from the token). */
export interface ExtensionBatchBody {
  items: { unitId: string; taskId: string }[];
  decision: DecideExtensionRequest['decision'];
  comment?: string;
}

export interface ExtensionBatchReply {
  succeeded: number;
  failed: number;
  outcomes: { unitId: string; taskId: string; ok: boolean; error?: string }[];
}
