import type { Channel } from '../../domain/roster/types.js';
import type { EventKind } from '../../domain/routing/event-kinds.js';
import type { Recipient } from '../../domain/routing/recipients.js';
import type { QuietHoursSpec } from '../../domain/routing/quiet-spec.js';

export type { Channel };

// One list for the plan's routing section, the workflow and the templates (templates/notify/<event>.*).
export { EVENT_KINDS, type EventKind } from '../../domain/routing/event-kinds.js';

/**
 * Small facts a template may print. Values are scalars or short lists (reasons, gaps); documents
 * never travel through workflow history.
 */
export type FactValue =
  string | number | boolean | null | readonly FactValue[] | { readonly [k: string]: FactValue };
export type Facts = { readonly [k: string]: FactValue };

// domain/routing/recipients.ts builds these from a roster unit (recipientsFor).
export type { Recipient } from '../../domain/routing/recipients.js';

export interface DeliverNotificationInput {
  /** Deterministic, derived by the workflow, e.g. campaign/c1/unit/u7/task/plan/reminder/T-3. */
  notificationId: string;
  event: EventKind;
  facts: Facts;
  recipients: Recipient[];
  channels: Channel[];
  /** ISO instant: nothing goes out before it (the workflow's own schedule). */
  notBefore?: string;
  /** The plan allows SMS / robots outside office hours for this notification (e.g. 督办 at level 3). */
  ignoreQuietHours?: boolean;
  /**
   * The plan's calendar and per-channel quiet-hours rules (`quietHoursFor(plan)` from
   * domain/routing). Omitted: the worker's configured calendar, office hours and quiet channels.
   */
  quietHours?: QuietHoursSpec;
}

export type DeliveryOutcome =
  /** Accepted by the provider in this call. */
  | 'sent'
  /** Accepted in an earlier attempt; nothing was sent now. */
  | 'already_sent'
  /** Not sent because of quiet hours or notBefore; call again at deferUntil. */
  | 'deferred'
  /** Permanent fault (bad address, provider rejection); recorded, never retried. */
  | 'failed'
  /** The recipient has no contact for this channel; nothing to do. */
  | 'no_contact'
  /**
   * An earlier attempt died between claiming and recording; nobody can tell whether the provider
   * got the message. Recorded for the office and never resent automatically (that could duplicate).
   */
  | 'uncertain'
  /**
   * Deliberately not sent: an escalation repeat over the recipient's weekly cap
   * (NOTIFY_ESCALATION_REPEATS_PER_WEEK). Recorded in the delivery log with the reason; final.
   */
  | 'suppressed';

export interface DeliveryResult {
  deliveryKey: string;
  channel: Channel;
  role: string;
  name: string;
  outcome: DeliveryOutcome;
  /** For 'deferred'. */
  deferUntil?: string;
  /** For 'failed' and 'uncertain': machine code and a Chinese reason an office can act on. */
  errorCode?: string;
  reason?: string;
  providerMessageId?: string;
}

export interface DeliveryReport {
  notificationId: string;
  results: DeliveryResult[];
  /** Earliest deferUntil among deferred deliveries: the workflow sleeps until then and calls again. */
  deferUntil?: string;
}
