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
export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'deferred' | 'retrying' | 'uncertain';

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
  get(deliveryKey: string): Promise<DeliveryRecord | undefined>;
  attempts(deliveryKey: string): Promise<AttemptRecord[]>;
  /** Failed and uncertain deliveries for the office, newest first; optionally only ids under a prefix. */
  problems(opts?: { notificationIdPrefix?: string; limit?: number }): Promise<DeliveryRecord[]>;
  close(): Promise<void>;
}

/** Thrown by mark* when the claim was taken over by another attempt in the meantime. */
export class LostClaimError extends Error {
  constructor(deliveryKey: string) {
    super(`delivery ${deliveryKey}: claim was taken over by another attempt`);
    this.name = 'LostClaimError';
  }
}
