import type { ClaimRequest, DeliveryRecord, ProblemRecord, Resolution } from './delivery-log.js';

/** The one rule both stores apply inside their transaction, so SQLite and PostgreSQL agree. */
export type ClaimDecision = 'insert' | 'done' | 'busy' | 'take' | 'take-over';

export function decideClaim(row: DeliveryRecord | undefined, req: ClaimRequest): ClaimDecision {
  if (!row) return 'insert';
  if (['sent', 'failed', 'uncertain', 'suppressed'].includes(row.status)) return 'done';
  if (row.status === 'sending') {
    const claimedAt = row.claimedAt ? Date.parse(row.claimedAt) : 0;
    return req.now.getTime() - claimedAt < req.leaseMs ? 'busy' : 'take-over';
  }
  return 'take';
}

/**
 * The WHERE clause of every outcome update: the claim holder may always finish; anyone who actually
 * heard from the provider ('sent' or 'failed') may also settle a delivery left 'uncertain'.
 */
export function settlesUncertain(status: string): boolean {
  return status === 'sent' || status === 'failed';
}

/**
 * Escalation repeats (notificationIds.escalation with repeat ≥ 1, workflows/ids.ts) as SQL LIKE
 * patterns, the same in SQLite and PostgreSQL: `…/escalation/L3/2` matches, `…/L3/0` (the level's
 * first firing) and review escalations (`…/review/1/escalation/L2`) do not.
 */
export const REPEAT_ID_LIKE = '%/escalation/L%/%';
export const FIRST_FIRING_LIKE = '%/0';

export function isEscalationRepeat(notificationId: string): boolean {
  return /\/escalation\/L\d+\/[1-9]\d*$/.test(notificationId);
}

export const SCHEMA_STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS notify_delivery (
    delivery_key TEXT PRIMARY KEY,
    notification_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    event TEXT NOT NULL,
    role TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    address TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    claim_token TEXT,
    claimed_at TEXT,
    provider_message_id TEXT,
    error_code TEXT,
    error_reason TEXT,
    defer_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS notify_delivery_status ON notify_delivery (status, updated_at)`,
  `CREATE INDEX IF NOT EXISTS notify_delivery_notification ON notify_delivery (notification_id)`,
  `CREATE TABLE IF NOT EXISTS notify_attempt (
    delivery_key TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS notify_attempt_key ON notify_attempt (delivery_key)`,
  // A table of its own rather than columns on notify_delivery: CREATE TABLE IF NOT EXISTS adds it to
  // logs written before resolutions existed, and the delivery's row stays the record of the send.
  `CREATE TABLE IF NOT EXISTS notify_resolution (
    delivery_key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    note TEXT,
    resolved_by TEXT NOT NULL,
    resolved_at TEXT NOT NULL
  )`,
];

/** Problem rows are read joined with their resolution (NULLs when the office has not dealt with them). */
export const PROBLEM_COLUMNS =
  'd.*, r.kind AS resolution_kind, r.note AS resolution_note, r.resolved_by, r.resolved_at';
export const PROBLEM_FROM =
  'notify_delivery d LEFT JOIN notify_resolution r ON r.delivery_key = d.delivery_key';

export interface ProblemRow extends DeliveryRow {
  resolution_kind: string | null;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
}

export function fromProblemRow(r: ProblemRow): ProblemRecord {
  const { resolution_kind, resolution_note, resolved_by, resolved_at, ...delivery } = r;
  const resolution: Resolution | null =
    resolution_kind !== null && resolved_by !== null && resolved_at !== null
      ? {
          kind: resolution_kind as Resolution['kind'],
          by: resolved_by,
          at: resolved_at,
          note: resolution_note,
        }
      : null;
  return { ...fromRow(delivery), resolution };
}

export interface DeliveryRow {
  delivery_key: string;
  notification_id: string;
  channel: string;
  event: string;
  role: string;
  recipient_name: string;
  address: string;
  status: string;
  attempts: number;
  claim_token: string | null;
  claimed_at: string | null;
  provider_message_id: string | null;
  error_code: string | null;
  error_reason: string | null;
  defer_until: string | null;
  created_at: string;
  updated_at: string;
}

export function fromRow(r: DeliveryRow): DeliveryRecord {
  return {
    deliveryKey: r.delivery_key,
    notificationId: r.notification_id,
    channel: r.channel as DeliveryRecord['channel'],
    event: r.event,
    role: r.role,
    recipientName: r.recipient_name,
    address: r.address,
    status: r.status as DeliveryRecord['status'],
    attempts: Number(r.attempts),
    claimToken: r.claim_token,
    claimedAt: r.claimed_at,
    providerMessageId: r.provider_message_id,
    errorCode: r.error_code,
    errorReason: r.error_reason,
    deferUntil: r.defer_until,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
