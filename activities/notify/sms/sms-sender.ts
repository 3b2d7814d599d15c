import { createHash } from 'node:crypto';
import type { SmsContent } from '../templates.js';

/** What the provider says about a message an attempt may have sent before it died. */
export type SmsLookup =
  | { kind: 'sent'; providerMessageId: string }
  /** The provider has a complete record for the number and this message is not in it: sending is safe. */
  | { kind: 'not_found' }
  /** The provider cannot say for sure (receipts not in yet, pulling not enabled…). */
  | { kind: 'unknown'; reason: string };

export interface SmsSender {
  readonly provider: 'aliyun' | 'tencent' | 'http';
  /** Resolves with the provider's id for the message once the provider accepted it. */
  send(mobile: string, content: SmsContent, ctx: { outId: string }): Promise<{ providerMessageId: string }>;
  /**
   * Asks the provider whether a message carrying `outId` reached it since `since`; used when an
   * attempt died between the provider call and recording the outcome. Throws on transport faults.
   */
  lookup?(mobile: string, ctx: { outId: string; since: Date }): Promise<SmsLookup>;
  /** The provider itself drops a second request with the same outId (idempotency key): resending is safe. */
  readonly deduplicates?: boolean;
}

/**
 * The id a provider stores with the message (Aliyun OutId, Tencent SessionContext, gateway
 * Idempotency-Key): short, fixed length, derived from the delivery key so every attempt sends the
 * same one, and free of unit ids and addresses.
 */
export function smsOutId(deliveryKey: string): string {
  return createHash('sha256').update(deliveryKey, 'utf8').digest('hex').slice(0, 32);
}

/** The provider said no for a reason that retrying cannot fix (bad number, template, signature…). */
export class SmsRejectedError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
    this.name = 'SmsRejectedError';
  }
}

/** Mainland mobile numbers only: the providers' domestic templates do not reach others. */
export function isMainlandMobile(mobile: string): boolean {
  return /^1[3-9]\d{9}$/.test(mobile);
}

/**
 * Carriers count a Chinese SMS as 70 characters, or 67 per part once it is split (the rest carries
 * the concatenation header). Characters are code points, the signature included.
 */
export function smsSegments(text: string): number {
  const n = [...text].length;
  return n <= 70 ? 1 : Math.ceil(n / 67);
}

/** Cuts a text to at most `maxSegments` parts, marking the cut with an ellipsis. */
export function fitSms(text: string, maxSegments: number): string {
  const chars = [...text];
  const max = maxSegments === 1 ? 70 : maxSegments * 67;
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Template variables have their own per-variable limit at Aliyun and Tencent. */
export function capParam(value: string, maxChars: number): string {
  const chars = [...value];
  return chars.length <= maxChars ? value : `${chars.slice(0, maxChars - 1).join('')}…`;
}

export type Fetch = typeof fetch;
