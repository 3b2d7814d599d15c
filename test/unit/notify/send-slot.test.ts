/**
 * A delivery is claimed only when the provider can take it at once (issue 12): with the SMTP pool
 * full, the next delivery waits before its claim, so a worker killed meanwhile leaves nothing
 * 'sending' that was never handed to the server (it would be settled as 'uncertain' and never sent).
 */
import { describe, expect, it } from 'vitest';
import { gate } from '../../../activities/notify/gate.js';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { createSendOnce, type Delivery, type SendPlan } from '../../../activities/notify/send-once.js';

const delivery = (n: number): Delivery => ({
  deliveryKey: `campaign/c1/unit/u${n}/task/t/v0/reminder/0#email#liaison#l${n}@units.example.cn`,
  notificationId: `campaign/c1/unit/u${n}/task/t/v0/reminder/0`,
  channel: 'email',
  event: 'reminder',
  role: 'liaison',
  recipientName: `联络员${n}`,
  address: `l${n}@units.example.cn`,
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('gate', () => {
  it('lets n holders in, queues the rest in order, and counts a double release once', async () => {
    const g = gate(2);
    const a = await g();
    await g();
    const order: string[] = [];
    const c = g().then((r) => (order.push('c'), r));
    const d = g().then((r) => (order.push('d'), r));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    a();
    a();
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['c']);
    (await c)();
    await d;
    expect(order).toEqual(['c', 'd']);
  });

  it('refuses a size that is not a positive whole number', () => {
    expect(() => gate(0)).toThrow(RangeError);
    expect(() => gate(1.5)).toThrow(RangeError);
  });
});

describe('sendOnce with a provider slot', () => {
  it('claims the second delivery only after the first one has its outcome', async () => {
    const log = openSqliteDeliveryLog(':memory:');
    const sendOnce = createSendOnce({
      deliveryLog: log,
      leaseMs: 60_000,
      now: () => new Date('2010-03-01T02:00:00Z'),
    });
    const slot = gate(1);
    const firstSending = deferred();
    const plan = (release?: Promise<void>): SendPlan => ({
      what: '邮件',
      slot,
      send: async () => {
        await release;
        return null;
      },
      classify: () => ({ permanent: false, code: 'x', reason: 'x' }),
    });
    const first = sendOnce(delivery(1), plan(firstSending.promise));
    const second = sendOnce(delivery(2), plan());
    await new Promise((r) => setTimeout(r, 20));
    expect((await log.get(delivery(1).deliveryKey))?.status).toBe('sending');
    expect(await log.get(delivery(2).deliveryKey)).toBeUndefined();
    firstSending.resolve();
    expect((await first).outcome).toBe('sent');
    expect((await second).outcome).toBe('sent');
    expect((await log.get(delivery(2).deliveryKey))?.status).toBe('sent');
    await log.close();
  });

  it('releases the slot when the provider fails, so the next delivery is not stuck', async () => {
    const log = openSqliteDeliveryLog(':memory:');
    const sendOnce = createSendOnce({
      deliveryLog: log,
      leaseMs: 60_000,
      now: () => new Date('2010-03-01T02:00:00Z'),
    });
    const slot = gate(1);
    const failing: SendPlan = {
      what: '邮件',
      slot,
      send: () => Promise.reject(new Error('421 busy')),
      classify: () => ({ permanent: false, code: 'smtp_421', reason: '服务器忙' }),
    };
    await expect(sendOnce(delivery(3), failing)).rejects.toThrow(/服务器忙/);
    const ok: SendPlan = { ...failing, send: () => Promise.resolve('id-4') };
    expect((await sendOnce(delivery(4), ok)).outcome).toBe('sent');
    await log.close();
  });
});
