/**
 * GET …/notification-problems and POST …/resolution: notifications that did not reach someone
 * (permanent failures) or that nobody can vouch for (a worker died mid-send), and how the office
 * dealt with each. The CLI's `notify problems --json` prints the same shapes.
 */
import type { ResolutionKind } from '../../../activities/notify/log/delivery-log.js';
import type { ProblemOutcome } from '../../../workflows/unit-campaign/delivery-problems.js';

// Plain constants (no I/O), so the console shows the same labels the server writes into kindLabel.
export {
  RESOLUTION_KINDS,
  RESOLUTION_LABELS,
  type ResolutionKind,
} from '../../../activities/notify/log/delivery-log.js';

/** How the office dealt with a problem delivery; the delivery's own status does not change. */
export interface ProblemResolution {
  kind: ResolutionKind;
  /** 已核实收到 / 已人工补发 / 已更正地址 / 其他. */
  kindLabel: string;
  by: string;
  at: string;
  note?: string;
}

export interface DeliveryProblem {
  /**
   * Short handle for `notify resolve` and the API: the first hex characters of sha256(deliveryKey),
   * 8 unless two rows of the same listing would share them.
   */
  id: string;
  deliveryKey: string;
  /** When the delivery was last touched (the failure or the takeover), ISO. */
  at: string;
  /** failed: not delivered, never retried; uncertain: a send was interrupted, never resent automatically. */
  status: ProblemOutcome;
  /** 发送失败 / 结果未知. */
  statusLabel: string;
  channel: string;
  channelLabel: string;
  role: string;
  roleLabel: string;
  recipientName: string;
  /** 「联络员 张明」. */
  recipient: string;
  /** Email, mobile, or a robot's hash: what the office corrects in the roster. */
  address: string;
  notificationId: string;
  campaignId?: string;
  unitId?: string;
  event: string;
  eventLabel: string;
  errorCode: string;
  reason: string;
  attempts: number;
  /** How the office dealt with it; only on listings that include resolved problems. */
  resolution?: ProblemResolution;
}

/**
 * A unit whose workflow task keeps failing (the health scan's finding): none of its notifications
 * go out until it is repaired, so the office sees it beside the notifications that failed.
 */
export interface WorkflowProblem {
  campaignId: string;
  unitId: string;
  unitName?: string;
  /** 流程异常，需要技术处理. */
  statusLabel: string;
  /** The failing workflow task's error, as the worker reported it. */
  error: string;
  failures: number;
  /** Stuck since (first seen by the scan), ISO. */
  since: string;
  checkedAt: string;
}

export interface DeliveryProblemList {
  campaignId?: string;
  /** Stuck units (流程异常，需要技术处理), listed before the notifications. */
  workflowProblems: WorkflowProblem[];
  problems: DeliveryProblem[];
  /** Open (not yet resolved) failures and uncertain deliveries in this listing. */
  failed: number;
  uncertain: number;
  /** Resolved problems in this listing (0 unless resolved ones were asked for). */
  resolved: number;
  includeResolved: boolean;
  /** More problems exist than `limit` let through. */
  truncated: boolean;
}

/** The query string of GET …/notification-problems. */
export interface DeliveryProblemQuery {
  limit?: number;
  includeResolved?: boolean;
}
