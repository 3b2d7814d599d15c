import type { Channel } from '../types.js';

/**
 * The durable record of every delivery (one notification × one channel × one recipient).
 *
 * States: sending (claimed by an attempt) → sent | failed | deferred | retrying | uncertain.
 * The claim is written and committed BEFORE the provider is called, so an attempt that finds a
 * delivery 'sent' sends nothing, and one that finds a fresh 'sending' claim by another attempt
 * backs off instead of sending in parallel. A 'sending' claim whose lease ran out belongs to an
 * attempt that died between claim and outcome: it may or may not have reached the provider. The
 * activity asks the provider where it can (SMS status queries) and otherwise records 'uncertain'
 * rather than sending a second time (see README in this folder).
 */
export type DeliveryStatus =
  | 'sending'
  | 'sent'
  | 'failed'
  | 'deferred'
  | 'retrying'
  | 'uncertain'
  /** Deliberately not sent: over the per-person cap of escalation repeats (final, reason kept). */
  | 'suppressed';

/** Statuses the office has to look at: permanent failures and deliveries nobody can vouch for. */
export const PROBLEM_STATUSES = ['failed', 'uncertain'] as const satisfies readonly DeliveryStatus[];

export interface DeliveryRecord {
  deliveryKey: string;
  notificationId: string;
  channel: Channel;
  event: string;
  role: string;
  recipientName: string;
  address: string;
  status: DeliveryStatus;
  attempts: number;
  claimToken: string | null;
  claimedAt: string | null;
  providerMessageId: string | null;
  errorCode: string | null;
  errorReason: string | null;
  deferUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ClaimRequest {
  deliveryKey: string;
  notificationId: string;
  channel: Channel;
  event: string;
  role: string;
  recipientName: string;
  address: string;
  /** Unique per attempt: proves ownership when marking the outcome. */
  claimToken: string;
  now: Date;
  /** A 'sending' claim older than this is presumed dead (worker crashed) and may be taken over. */
  leaseMs: number;
}

export type ClaimResult =
  | {
      kind: 'claimed';
      record: DeliveryRecord;
      /** A dead attempt's claim was taken over: it may or may not have sent. */
      tookOver: boolean;
      /** When taken over: when the dead attempt claimed it (the earliest the provider can have seen it). */
      staleClaimedAt?: string;
    }
  | { kind: 'done'; record: DeliveryRecord }
  | { kind: 'busy'; record: DeliveryRecord };

export interface Outcome {
  deliveryKey: string;
  claimToken: string;
  now: Date;
}

export interface AttemptRecord {
  deliveryKey: string;
  attempt: number;
  at: string;
  outcome: string;
  detail: string | null;
}

/**
 * How the office dealt with a problem delivery. It never changes the delivery's status (that stays
 * the truth about the send); it only takes the delivery off the office's open list.
 */
export const RESOLUTION_KINDS = ['received', 'resent', 'address_fixed', 'other'] as const;
export type ResolutionKind = (typeof RESOLUTION_KINDS)[number];

export const RESOLUTION_LABELS: Record<ResolutionKind, string> = {
  received: '已核实收到',
  resent: '已人工补发',
  address_fixed: '已更正地址',
  other: '其他',
};

export const RESOLUTION_NOTE_MAX = 200;

export interface Resolution {
  kind: ResolutionKind;
  /** The office user's name. */
  by: string;
  at: string;
  note: string | null;
}

export interface ResolveRequest {
  deliveryKey: string;
  kind: ResolutionKind;
  by: string;
  note?: string | null;
  now: Date;
}

/** A failed or uncertain delivery, with the office's resolution if it has one. */
export interface ProblemRecord extends DeliveryRecord {
  resolution: Resolution | null;
}

export interface ProblemQuery {
  notificationIdPrefix?: string;
  limit?: number;
  /** Also list problems the office has already resolved (default: only open ones). */
  includeResolved?: boolean;
}

export interface DeliveryLog {
  claim(req: ClaimRequest): Promise<ClaimResult>;
  /**
   * Also accepted on an 'uncertain' delivery whatever the token: an attempt that outlived its lease
   * and then heard back from the provider knows the answer the other attempt could not.
   */
  markSent(o: Outcome & { providerMessageId: string | null }): Promise<void>;
  /** Permanent: never retried. Like markSent, settles an 'uncertain' delivery. */
  markFailed(o: Outcome & { errorCode: string; errorReason: string }): Promise<void>;
  /** The attempt holding the claim died and nobody can tell whether the provider got it: never resent automatically. */
  markUncertain(o: Outcome & { errorCode: string; errorReason: string }): Promise<void>;
  /** Transient: the claim is released so the next attempt sends. */
  markRetrying(o: Outcome & { errorCode: string; errorReason: string }): Promise<void>;
  markDeferred(o: Outcome & { deferUntil: Date }): Promise<void>;
  /** Deliberately not sent (the weekly cap of escalation repeats): final, with the reason. */
  markSuppressed(o: Outcome & { errorCode: string; errorReason: string }): Promise<void>;
  /**
   * How many distinct messages carrying an escalation repeat (ids `…/escalation/L<n>/<r>`, r ≥ 1)
   * went to this address on this channel since the instant: what the weekly cap counts.
   */
  countRepeatMessages(q: { channel: string; address: string; since: Date }): Promise<number>;
  get(deliveryKey: string): Promise<DeliveryRecord | undefined>;
  attempts(deliveryKey: string): Promise<AttemptRecord[]>;
  /**
   * Failed and uncertain deliveries for the office, newest first; optionally only ids under a prefix.
   * Resolved ones are left out unless `includeResolved`.
   */
  problems(opts?: ProblemQuery): Promise<ProblemRecord[]>;
  /**
   * Records the office's resolution of a failed or uncertain delivery, replacing an earlier one; every
   * resolution is also appended to the attempt history (outcome 'resolved'), so a replaced one is not lost.
   * Throws ResolveError for an unknown key or a delivery that is not a problem.
   */
  resolve(req: ResolveRequest): Promise<Resolution>;
  close(): Promise<void>;
}

/** Thrown by mark* when the claim was taken over by another attempt in the meantime. */
export class LostClaimError extends Error {
  constructor(deliveryKey: string) {
    super(`delivery ${deliveryKey}: claim was taken over by another attempt`);
    this.name = 'LostClaimError';
  }
}

/** Resolving something that is not an open or resolved problem: the message is for the office. */
export class ResolveError extends Error {
  constructor(
    readonly reason: 'unknown_delivery' | 'not_a_problem' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'ResolveError';
  }
}

const STATUS_TEXT: Record<DeliveryStatus, string> = {
  sending: '正在发送',
  sent: '已发送成功',
  failed: '发送失败',
  deferred: '等待工作时间发送',
  retrying: '等待重试',
  uncertain: '结果未知',
  suppressed: '已按每周上限免发',
};

/**
 * The checks both stores make inside their transaction before writing a resolution, so they agree
 * on what is refused and say it the same way.
 */
export function checkResolvable(key: string, status: DeliveryStatus | undefined, req: ResolveRequest): void {
  if (status === undefined) throw new ResolveError('unknown_delivery', `没有这条投递记录：${key}`);
  if (!(PROBLEM_STATUSES as readonly string[]).includes(status)) {
    throw new ResolveError(
      'not_a_problem',
      `这条通知的状态是「${STATUS_TEXT[status]}」，不是发送失败或结果未知，无需标记处理：${key}`,
    );
  }
  const problems: string[] = [];
  if (!(RESOLUTION_KINDS as readonly string[]).includes(req.kind))
    problems.push(`处理方式只能是 ${RESOLUTION_KINDS.join('、')} 之一（收到「${String(req.kind)}」）`);
  if (req.by.trim() === '') problems.push('处理人不能为空');
  if ((req.note ?? '').length > RESOLUTION_NOTE_MAX)
    problems.push(`说明不能超过 ${RESOLUTION_NOTE_MAX} 个字`);
  if (problems.length > 0) throw new ResolveError('invalid', problems.join('；'));
}

/** What the attempt history keeps of a resolution: kind, who, and the note. */
export function resolutionDetail(r: Resolution): string {
  return [r.kind, r.by, r.note].filter((x) => x !== null && x !== '').join(' · ');
}
