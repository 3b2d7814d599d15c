import type { Channel } from '../types.js';

/**
 * The durable record of every delivery (one notification × one channel × one recipient).
 *
 * States: pending → sending (claimed by an attempt) → sent | failed | deferred | queued.
 * The claim is written and committed BEFORE the provider is called, so an attempt that finds a
 * delivery 'sent' sends nothing, and one that finds a fresh 'sending' claim by another attempt
 * backs off instead of sending in parallel. Only the window between the provider accepting and
 * 'sent' being committed can lead to a second send (see README in this folder).
 */
export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'deferred' | 'retrying';

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
  | { kind: 'claimed'; record: DeliveryRecord; /** A dead attempt's claim was taken over: it may or may not have sent. */ tookOver: boolean }
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
  markSent(o: Outcome & { providerMessageId: string | null }): Promise<void>;
  /** Permanent: never retried. */
  markFailed(o: Outcome & { errorCode: string; errorReason: string }): Promise<void>;
  /** Transient: the claim is released so the next attempt sends. */
  markRetrying(o: Outcome & { errorCode: string; errorReason: string }): Promise<void>;
  markDeferred(o: Outcome & { deferUntil: Date }): Promise<void>;
  get(deliveryKey: string): Promise<DeliveryRecord | undefined>;
  attempts(deliveryKey: string): Promise<AttemptRecord[]>;
  /** Permanent failures for the office, newest first; optionally only ids under a prefix. */
  failures(opts?: { notificationIdPrefix?: string; limit?: number }): Promise<DeliveryRecord[]>;
  close(): Promise<void>;
}

/** Thrown by mark* when the claim was taken over by another attempt in the meantime. */
export class LostClaimError extends Error {
  constructor(deliveryKey: string) {
    super(`delivery ${deliveryKey}: claim was taken over by another attempt`);
    this.name = 'LostClaimError';
  }
}
