/**
 * What one-mail-per-person (activities/notify/bundle.ts) asks of every DeliveryLog store, run
 * against SQLite (unit project) and PostgreSQL (integration project) like delivery-log-contract.ts:
 * 'suppressed' is final, and the weekly cap counts distinct messages carrying escalation repeats.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryLog } from '../../../../activities/notify/log/delivery-log.js';
import type { DeliveryLogStore } from './delivery-log-contract.js';

const T0 = new Date('2009-12-09T02:00:00Z');
const LEASE = 120_000;
const at = (ms: number) => new Date(T0.getTime() + ms);
const ADDRESS = 'wangqiang@zhidao.example.cn';

async function settle(
  log: DeliveryLog,
  notificationId: string,
  how: { sent: string | null } | 'suppressed' | 'failed',
  now = T0,
  address = ADDRESS,
): Promise<string> {
  const key = `${notificationId}#email#group#${address}`;
  const claimToken = randomUUID();
  await log.claim({
    deliveryKey: key,
    notificationId,
    channel: 'email',
    event: 'supervise',
    role: 'group',
    recipientName: '王强',
    address,
    claimToken,
    now,
    leaseMs: LEASE,
  });
  const o = { deliveryKey: key, claimToken, now };
  if (how === 'suppressed')
    await log.markSuppressed({ ...o, errorCode: 'escalation_repeat_cap', errorReason: '达到每周上限' });
  else if (how === 'failed') await log.markFailed({ ...o, errorCode: 'smtp_550', errorReason: '邮箱不存在' });
  else await log.markSent({ ...o, providerMessageId: how.sent });
  return key;
}

export function deliveryLogBundleContract(name: string, store: DeliveryLogStore): void {
  describe(`delivery log, one mail per person: ${name}`, () => {
    const opened: DeliveryLog[] = [];
    afterEach(async () => {
      for (const l of opened.splice(0).reverse()) await l.close();
    });
    const fresh = async () => {
      const { log } = await store.open();
      opened.push(log);
      return log;
    };

    it('suppressed is final: recorded with its reason, every later claim is done, not a problem for the office', async () => {
      const log = await fresh();
      const key = await settle(log, 'c1/unit/u1/task/t/v1/escalation/L4/3', 'suppressed');
      expect(await log.get(key)).toMatchObject({
        status: 'suppressed',
        errorCode: 'escalation_repeat_cap',
        errorReason: '达到每周上限',
        claimToken: null,
      });
      const again = await log.claim({
        deliveryKey: key,
        notificationId: 'c1/unit/u1/task/t/v1/escalation/L4/3',
        channel: 'email',
        event: 'supervise',
        role: 'group',
        recipientName: '王强',
        address: ADDRESS,
        claimToken: randomUUID(),
        now: at(10 * LEASE),
        leaseMs: LEASE,
      });
      expect(again.kind).toBe('done');
      expect(await log.problems()).toEqual([]);
      expect((await log.attempts(key)).map((a) => a.outcome)).toEqual(['claimed', 'suppressed']);
    });

    it('counts distinct sent messages carrying repeats, for this address and channel, since the instant', async () => {
      const log = await fresh();
      // One bundle carrying two units' repeats: one message.
      await settle(log, 'c1/unit/u1/task/t/v1/escalation/L4/1', { sent: '<b1@x>' });
      await settle(log, 'c1/unit/u2/task/t/v1/escalation/L4/1', { sent: '<b1@x>' });
      // A second message with a repeat (two-digit repeat numbers count too).
      await settle(log, 'c1/unit/u3/task/t/v1/escalation/L4/10', { sent: '<b2@x>' }, at(60_000));
      // Not counted: first firings, review escalations, suppressed or failed repeats, other addresses, too old.
      await settle(log, 'c1/unit/u4/task/t/v1/escalation/L3/0', { sent: '<b3@x>' });
      await settle(
        log,
        'c1/unit/u4/task/t/v1/escalation/L4/20',
        { sent: '<b3b@x>' },
        at(60_000),
        'other@x.cn',
      );
      await settle(log, 'c1/unit/u5/task/t/review/1/escalation/L2', { sent: '<b4@x>' });
      await settle(log, 'c1/unit/u6/task/t/v1/escalation/L4/2', 'suppressed');
      await settle(log, 'c1/unit/u7/task/t/v1/escalation/L4/2', 'failed');
      await settle(log, 'c1/unit/u8/task/t/v1/escalation/L4/5', { sent: '<b0@x>' }, at(-8 * 24 * 3600_000));

      const since = at(-7 * 24 * 3600_000);
      expect(await log.countRepeatMessages({ channel: 'email', address: ADDRESS, since })).toBe(2);
      expect(await log.countRepeatMessages({ channel: 'sms', address: ADDRESS, since })).toBe(0);
      expect(await log.countRepeatMessages({ channel: 'email', address: ADDRESS, since: at(1) })).toBe(1);
      expect(await log.countRepeatMessages({ channel: 'email', address: 'other@x.cn', since })).toBe(1);
    });
  });
}
