/**
 * The once-only protocol every outgoing message follows, whatever composes it (templated
 * notifications, the 指导组 digests, the office 简报): claim the delivery in the log, call the
 * provider, record what it said. Kept in one place so every sender gives the same guarantees
 * (see README in this folder).
 */
import { randomUUID } from 'node:crypto';
import type { ClaimRequest, DeliveryLog, DeliveryRecord } from './log/delivery-log.js';

export interface SendOnceLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

/** One message to one address, as the log knows it; the key is what makes a retry recognise it. */
export type Delivery = Omit<ClaimRequest, 'claimToken' | 'now' | 'leaseMs'>;

/** What a provider-specific check concluded about an attempt that died holding the claim. */
export type StaleVerdict =
  | { kind: 'send' }
  | { kind: 'sent'; providerMessageId: string | null }
  | { kind: 'uncertain'; reason?: string };

export interface SendPlan {
  /** Why the address cannot be used, in Chinese: recorded failed without calling the provider. */
  invalid?: string;
  /**
   * An instant the message must wait for (quiet hours, notBefore, the daily bundle): recorded
   * deferred. `record` is the delivery as claimed, with the instant an earlier deferral named.
   */
  deferUntil?: (now: Date, record: DeliveryRecord) => Date | undefined;
  /**
   * Asked when an earlier attempt died between claim and outcome. Without it (email, robots)
   * nobody can tell whether the provider got the message, so it is recorded 'uncertain'.
   */
  settleStale?: (stale: { record: DeliveryRecord; since: Date }) => Promise<StaleVerdict>;
  /** Resolves with the provider's message id once the provider accepted the message. */
  send: () => Promise<string | null>;
  classify: (error: unknown) => { permanent: boolean; code: string; reason: string };
  /** Names the message in the office's problem list ("邮件", "「…」邮件"). */
  what: string;
  /**
   * Waited for before the claim and released after the outcome, when the provider can take only
   * so many messages at once (the SMTP pool): the claim then covers only the provider call.
   */
  slot?: () => Promise<() => void>;
}

export type SendOnceOutcome = 'sent' | 'already_sent' | 'failed' | 'uncertain' | 'deferred' | 'suppressed';

export interface SendOnceResult {
  outcome: SendOnceOutcome;
  record: DeliveryRecord;
  providerMessageId?: string;
  errorCode?: string;
  reason?: string;
  deferUntil?: string;
}

/** The delivery will be tried again by the activity's retry; deliveries already settled are skipped then. */
export class TransientDeliveryError extends Error {}

const UNCERTAIN_CODE = 'uncertain_after_crash';

/** The office's instruction for a delivery nobody can vouch for. */
export function interruptedReason(what: string, recipientName: string, detail?: string): string {
  const why = detail ? `，${detail}` : '，无法确认对方是否已收到';
  return `${what}发送过程中工作进程中断${why}；为避免重复发送，系统没有自动重发。请与${recipientName}核实，未收到的请人工补发。`;
}

/** What a retry reports for a delivery an earlier attempt already finished. */
const DONE_OUTCOME: Partial<Record<DeliveryRecord['status'], SendOnceOutcome>> = {
  sent: 'already_sent',
  failed: 'failed',
  uncertain: 'uncertain',
  suppressed: 'suppressed',
};

function fromRecord(record: DeliveryRecord, outcome: SendOnceOutcome): SendOnceResult {
  return {
    outcome,
    record,
    ...(record.providerMessageId ? { providerMessageId: record.providerMessageId } : {}),
    ...(record.errorCode ? { errorCode: record.errorCode } : {}),
    ...(record.errorReason ? { reason: record.errorReason } : {}),
  };
}

export interface SendOnceDeps {
  deliveryLog: DeliveryLog;
  /** A 'sending' claim older than this belongs to a dead attempt. */
  leaseMs: number;
  now: () => Date;
  log?: SendOnceLogger;
}

export type SendOnce = (delivery: Delivery, plan: SendPlan) => Promise<SendOnceResult>;

/** The provider-independent part of a plan: everything but the call itself and the slot. */
export type PreparePlan = Omit<SendPlan, 'send' | 'slot'>;

/**
 * A delivery claimed by this attempt and cleared to go: the caller calls the provider (alone, or
 * with other deliveries in one message, see bundle.ts) and then reports what it said.
 */
export interface ReadyDelivery {
  delivery: Delivery;
  record: DeliveryRecord;
  /** The provider accepted the message carrying this delivery. */
  sent(providerMessageId: string | null): Promise<SendOnceResult>;
  /** The provider refused or failed: permanent → 'failed'; transient → 'retrying', and throws TransientDeliveryError. */
  failed(error: unknown): Promise<SendOnceResult>;
  /** Deliberately not sent (a cap): recorded 'suppressed' with the reason, final. */
  suppressed(code: string, reason: string): Promise<SendOnceResult>;
}

export type Prepared = { kind: 'done'; result: SendOnceResult } | { kind: 'ready'; ready: ReadyDelivery };

/**
 * Sends at most once per delivery key across retries, workers and restarts. Throws
 * TransientDeliveryError when another attempt holds a fresh claim or the provider failed
 * transiently; permanent provider refusals are recorded 'failed' and returned, never retried.
 */
export function createSendOnce(deps: SendOnceDeps): SendOnce {
  const prepare = createPrepare(deps);
  return async function sendOnce(d, plan) {
    const release = plan.slot ? await plan.slot() : undefined;
    try {
      const p = await prepare(d, plan);
      if (p.kind === 'done') return p.result;
      let providerMessageId: string | null;
      try {
        providerMessageId = await plan.send();
      } catch (error) {
        return await p.ready.failed(error);
      }
      // A crash here, after the provider accepted and before this commit, leaves the claim to go
      // stale; the next attempt then settles it as above instead of sending blindly.
      return await p.ready.sent(providerMessageId);
    } finally {
      release?.();
    }
  };
}

/**
 * Claims the delivery and settles everything that needs no provider call (already done, busy,
 * invalid address, a dead attempt's claim, deferral); what is left is ready to be sent.
 */
export function createPrepare(deps: SendOnceDeps): (d: Delivery, plan: PreparePlan) => Promise<Prepared> {
  const { deliveryLog, now } = deps;
  const log = deps.log ?? { info: () => undefined, warn: () => undefined };

  return async function prepare(d, plan) {
    const claimToken = randomUUID();
    const claim = await deliveryLog.claim({ ...d, claimToken, now: now(), leaseMs: deps.leaseMs });
    if (claim.kind === 'done')
      return {
        kind: 'done',
        result: fromRecord(claim.record, DONE_OUTCOME[claim.record.status] ?? 'failed'),
      };
    if (claim.kind === 'busy')
      throw new TransientDeliveryError(`${d.deliveryKey}: another attempt is sending it right now`);
    const record = claim.record;
    const outcome = { deliveryKey: d.deliveryKey, claimToken };
    const done = (result: SendOnceResult): Prepared => ({ kind: 'done', result });

    if (plan.invalid) {
      await deliveryLog.markFailed({
        ...outcome,
        now: now(),
        errorCode: 'invalid_address',
        errorReason: plan.invalid,
      });
      return done({ ...fromRecord(record, 'failed'), errorCode: 'invalid_address', reason: plan.invalid });
    }

    if (claim.tookOver) {
      // The attempt that claimed it died before recording what the provider said: sending again
      // could duplicate the message, not sending could lose it. Only a provider that can tell us
      // lets this go on; otherwise a person settles it with the recipient.
      log.warn('delivery: an earlier attempt died holding this delivery; settling it', {
        deliveryKey: d.deliveryKey,
        channel: d.channel,
      });
      const since = new Date(Date.parse(claim.staleClaimedAt ?? record.createdAt));
      const verdict: StaleVerdict = plan.settleStale
        ? await plan.settleStale({ record, since })
        : { kind: 'uncertain' };
      if (verdict.kind === 'sent') {
        await deliveryLog.markSent({ ...outcome, now: now(), providerMessageId: verdict.providerMessageId });
        log.info('delivery: the provider confirms the interrupted attempt sent it', {
          deliveryKey: d.deliveryKey,
        });
        return done({
          ...fromRecord(record, 'already_sent'),
          ...(verdict.providerMessageId ? { providerMessageId: verdict.providerMessageId } : {}),
        });
      }
      if (verdict.kind === 'uncertain') {
        const reason = verdict.reason ?? interruptedReason(plan.what, d.recipientName);
        await deliveryLog.markUncertain({
          ...outcome,
          now: now(),
          errorCode: UNCERTAIN_CODE,
          errorReason: reason,
        });
        return done({ ...fromRecord(record, 'uncertain'), errorCode: UNCERTAIN_CODE, reason });
      }
    }

    const t = now();
    const deferUntil = plan.deferUntil?.(t, record);
    if (deferUntil) {
      await deliveryLog.markDeferred({ ...outcome, now: t, deferUntil });
      return done({ ...fromRecord(record, 'deferred'), deferUntil: deferUntil.toISOString() });
    }

    const ready: ReadyDelivery = {
      delivery: d,
      record,
      async sent(providerMessageId) {
        await deliveryLog.markSent({ ...outcome, now: now(), providerMessageId });
        log.info('delivery: sent', { deliveryKey: d.deliveryKey, channel: d.channel });
        return { ...fromRecord(record, 'sent'), ...(providerMessageId ? { providerMessageId } : {}) };
      },
      async failed(error) {
        const failure = plan.classify(error);
        if (failure.permanent) {
          await deliveryLog.markFailed({
            ...outcome,
            now: now(),
            errorCode: failure.code,
            errorReason: failure.reason,
          });
          log.warn('delivery: permanent failure', { deliveryKey: d.deliveryKey, code: failure.code });
          return { ...fromRecord(record, 'failed'), errorCode: failure.code, reason: failure.reason };
        }
        await deliveryLog.markRetrying({
          ...outcome,
          now: now(),
          errorCode: failure.code,
          errorReason: failure.reason,
        });
        throw new TransientDeliveryError(`${d.deliveryKey}: ${failure.reason}`);
      },
      async suppressed(code, reason) {
        await deliveryLog.markSuppressed({ ...outcome, now: now(), errorCode: code, errorReason: reason });
        log.info('delivery: suppressed', { deliveryKey: d.deliveryKey, code });
        return { ...fromRecord(record, 'suppressed'), errorCode: code, reason };
      },
    };
    return { kind: 'ready', ready };
  };
}
