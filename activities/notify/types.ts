import type { Channel } from '../../domain/roster/types.js';

export type { Channel };

/** Every event the campaign workflow announces; each has one template file in templates/notify/. */
export const EVENT_KINDS = [
  'kickoff', // 启动通知
  'stage_opened', // 阶段开启
  'reminder', // 提醒 T-n
  'due_today', // 今日到期
  'urge', // 催办
  'supervise', // 督办 (to the 指导组)
  'bulletin', // 通报 (to the office)
  'returned', // 退回 with reasons
  'approved', // 审核通过
  'lookback_gaps', // 回头看 查缺补缺清单
  'survey_result', // 测评结果
  'remedial_opened', // 补课
  'completed', // 完成
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * Small facts a template may print. Values are scalars or short lists (reasons, gaps); documents
 * never travel through workflow history.
 */
export type FactValue = string | number | boolean | null | readonly FactValue[] | { readonly [k: string]: FactValue };
export type Facts = { readonly [k: string]: FactValue };

export interface Recipient {
  /** liaison | head | group | office | paired … — printed nowhere, used in the delivery key. */
  role: string;
  name: string;
  email?: string;
  /** Bare 11-digit mainland number (the roster normalises it). */
  mobile?: string;
  /** Group-robot webhooks as the roster holds them. */
  dingtalkWebhook?: string;
  wecomWebhook?: string;
}

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
  | 'no_contact';

export interface DeliveryResult {
  deliveryKey: string;
  channel: Channel;
  role: string;
  name: string;
  outcome: DeliveryOutcome;
  /** For 'deferred'. */
  deferUntil?: string;
  /** For 'failed': machine code and a Chinese reason an office can act on. */
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
