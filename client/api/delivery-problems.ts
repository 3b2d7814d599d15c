/**
 * The office's list of notifications that did not reach someone (permanent failures) or that
 * nobody can vouch for (a worker died mid-send), read from the delivery log the worker writes.
 * One shape for the command line and the API, so both say the same thing.
 */
import { DateTime } from 'luxon';
import type { DeliveryLog, DeliveryRecord } from '../../activities/notify/log/delivery-log.js';
import { EVENT_LABELS, type EventKind } from '../../domain/routing/event-kinds.js';
import { PROBLEM_LABELS, RECIPIENT_ROLE_LABELS, channelLabel, recipientLabel, type ProblemOutcome } from '../../workflows/unit-campaign/delivery-problems.js';

export interface DeliveryProblem {
  /** When the delivery was last touched (the failure or the takeover), ISO. */
  at: string;
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
}

export interface DeliveryProblemList {
  campaignId?: string;
  problems: DeliveryProblem[];
  failed: number;
  uncertain: number;
  /** More problems exist than `limit` let through. */
  truncated: boolean;
}

/** `campaign/<campaignId>/unit/<unitId>/…`, as workflows/ids.ts builds it; other ids name neither. */
export function parseNotificationId(id: string): { campaignId?: string; unitId?: string } {
  const m = /^campaign\/([^/]+)\/unit\/([^/]+)(?:\/|$)/.exec(id);
  if (m) return { campaignId: m[1]!, unitId: m[2]! };
  const c = /^campaign\/([^/]+)(?:\/|$)/.exec(id);
  return c ? { campaignId: c[1]! } : {};
}

/** The prefix of every notification id of one campaign (the trailing slash keeps c1 from matching c10). */
export function campaignPrefix(campaignId: string): string {
  return `campaign/${campaignId}/`;
}

export function toProblem(r: DeliveryRecord): DeliveryProblem {
  const status: ProblemOutcome = r.status === 'uncertain' ? 'uncertain' : 'failed';
  return {
    at: r.updatedAt,
    status,
    statusLabel: PROBLEM_LABELS[status],
    channel: r.channel,
    channelLabel: channelLabel(r.channel),
    role: r.role,
    roleLabel: RECIPIENT_ROLE_LABELS[r.role] ?? r.role,
    recipientName: r.recipientName,
    recipient: recipientLabel(r.role, r.recipientName),
    address: r.address,
    notificationId: r.notificationId,
    ...parseNotificationId(r.notificationId),
    event: r.event,
    eventLabel: EVENT_LABELS[r.event as EventKind] ?? r.event,
    errorCode: r.errorCode ?? '',
    reason: r.errorReason ?? '',
    attempts: r.attempts,
  };
}

export const DEFAULT_PROBLEM_LIMIT = 200;

export async function listDeliveryProblems(log: DeliveryLog, o: { campaignId?: string; limit?: number } = {}): Promise<DeliveryProblemList> {
  const limit = o.limit ?? DEFAULT_PROBLEM_LIMIT;
  // One more than asked tells whether the list was cut.
  const records = await log.problems({ ...(o.campaignId !== undefined ? { notificationIdPrefix: campaignPrefix(o.campaignId) } : {}), limit: limit + 1 });
  const problems = records.slice(0, limit).map(toProblem);
  return {
    ...(o.campaignId !== undefined ? { campaignId: o.campaignId } : {}),
    problems,
    failed: problems.filter((p) => p.status === 'failed').length,
    uncertain: problems.filter((p) => p.status === 'uncertain').length,
    truncated: records.length > limit,
  };
}

/** 2009-11-10 14:05 in the campaign's time zone. */
export function problemTime(at: string, zone = 'Asia/Shanghai'): string {
  const d = DateTime.fromISO(at, { zone });
  return d.isValid ? d.toFormat('yyyy-MM-dd HH:mm') : at;
}

/** 「大圩镇 · 到期提醒」: the unit (its name when known) and which notification. */
export function unitAndNotice(p: DeliveryProblem, unitNames: ReadonlyMap<string, string> = new Map()): string {
  const unit = p.unitId ? (unitNames.get(p.unitId) ?? p.unitId) : p.notificationId;
  return `${unit} · ${p.eventLabel}`;
}
