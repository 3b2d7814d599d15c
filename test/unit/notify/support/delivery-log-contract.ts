/**
 * The behaviour every DeliveryLog store must show, written once and run against each store
 * (SQLite in the unit project, PostgreSQL in the integration project), so the two cannot drift.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LostClaimError,
  ResolveError,
  type ClaimRequest,
  type DeliveryLog,
} from '../../../../activities/notify/log/delivery-log.js';

export interface DeliveryLogStore {
  /** A fresh, empty log, plus a way to open a second handle on the same data (a second worker). */
  open(): Promise<{ log: DeliveryLog; openAnother(): Promise<DeliveryLog> }>;
}

const T0 = new Date('2009-12-09T02:00:00Z');
const LEASE = 120_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

function request(key: string, overrides: Partial<ClaimRequest> = {}): ClaimRequest {
  return {
    deliveryKey: key,
    notificationId: key.split('#')[0] ?? key,
    channel: 'email',
    event: 'urge',
    role: 'liaison',
    recipientName: '张明',
    address: 'zhang@example.cn',
    claimToken: randomUUID(),
    now: T0,
    leaseMs: LEASE,
    ...overrides,
  };
}

export function deliveryLogContract(name: string, store: DeliveryLogStore): void {
  describe(`delivery log contract: ${name}`, () => {
    const opened: DeliveryLog[] = [];
    async function fresh() {
      const r = await store.open();
      opened.push(r.log);
      return {
        log: r.log,
        openAnother: async () => {
          const l = await r.openAnother();
          opened.push(l);
          return l;
        },
      };
    }
    afterEach(async () => {
      for (const l of opened.splice(0).reverse()) await l.close();
    });

    it('a first claim creates the record in state sending, with one claimed attempt', async () => {
      const { log } = await fresh();
      const req = request('n1#email#liaison#zhang@example.cn');
      const r = await log.claim(req);
      expect(r).toMatchObject({
        kind: 'claimed',
        tookOver: false,
        record: { status: 'sending', attempts: 1, claimToken: req.claimToken, recipientName: '张明' },
      });
      expect(await log.get(req.deliveryKey)).toMatchObject({
        status: 'sending',
        claimedAt: T0.toISOString(),
        channel: 'email',
        event: 'urge',
      });
      expect(await log.attempts(req.deliveryKey)).toEqual([
        { deliveryKey: req.deliveryKey, attempt: 1, at: T0.toISOString(), outcome: 'claimed', detail: null },
      ]);
      expect(await log.get('nobody')).toBeUndefined();
    });

    it('keeps its records across a close and reopen of the same data (a worker restart): a restart does not resend', async () => {
      const { log, openAnother } = await fresh();
      const req = request('n0#email#liaison#zhang@example.cn');
      expect((await log.claim(req)).kind).toBe('claimed');
      await log.markSent({
        deliveryKey: req.deliveryKey,
        claimToken: req.claimToken,
        now: at(1),
        providerMessageId: '<m1@x>',
      });
      opened.splice(opened.indexOf(log), 1);
      await log.close();
      const again = await openAnother();
      expect(await again.get(req.deliveryKey)).toMatchObject({
        status: 'sent',
        providerMessageId: '<m1@x>',
        attempts: 1,
      });
      expect((await again.claim(request(req.deliveryKey, { now: at(10 * LEASE) }))).kind).toBe('done');
    });

    it('a fresh claim makes a parallel attempt busy; once sent, every later attempt is done', async () => {
      const { log } = await fresh();
      const first = request('n2#sms#head#13800000001');
      await log.claim(first);
      expect((await log.claim(request(first.deliveryKey, { now: at(LEASE - 1) }))).kind).toBe('busy');
      await log.markSent({
        deliveryKey: first.deliveryKey,
        claimToken: first.claimToken,
        now: at(5),
        providerMessageId: 'p-1',
      });
      const later = await log.claim(request(first.deliveryKey, { now: at(10 * LEASE) }));
      expect(later).toMatchObject({
        kind: 'done',
        record: { status: 'sent', providerMessageId: 'p-1', claimToken: null, attempts: 1 },
      });
      expect((await log.attempts(first.deliveryKey)).map((a) => [a.attempt, a.outcome, a.detail])).toEqual([
        [1, 'claimed', null],
        [1, 'sent', 'p-1'],
      ]);
    });

    it('a claim older than the lease is taken over; the dead attempt can no longer record an outcome', async () => {
      const { log } = await fresh();
      const dead = request('n3#email#liaison#zhang@example.cn');
      await log.claim(dead);
      const heir = request(dead.deliveryKey, { now: at(LEASE) });
      expect(await log.claim(heir)).toMatchObject({
        kind: 'claimed',
        tookOver: true,
        staleClaimedAt: T0.toISOString(),
        record: { attempts: 2, claimToken: heir.claimToken },
      });
      await expect(
        log.markSent({
          deliveryKey: dead.deliveryKey,
          claimToken: dead.claimToken,
          now: at(LEASE + 1),
          providerMessageId: 'late',
        }),
      ).rejects.toBeInstanceOf(LostClaimError);
      await log.markSent({
        deliveryKey: heir.deliveryKey,
        claimToken: heir.claimToken,
        now: at(LEASE + 2),
        providerMessageId: 'p-2',
      });
      expect((await log.get(dead.deliveryKey))?.providerMessageId).toBe('p-2');
      expect((await log.attempts(dead.deliveryKey)).map((a) => [a.attempt, a.outcome])).toEqual([
        [1, 'claimed'],
        [2, 'took_over'],
        [2, 'sent'],
      ]);
    });

    it('uncertain is final and listed; only an attempt that heard from the provider can still settle it', async () => {
      const { log } = await fresh();
      const dead = request('c1/u9/n#sms#liaison#13800000009', { notificationId: 'c1/u9/n', channel: 'sms' });
      await log.claim(dead);
      const heir = request(dead.deliveryKey, { notificationId: 'c1/u9/n', channel: 'sms', now: at(LEASE) });
      await log.claim(heir);
      await log.markUncertain({
        deliveryKey: heir.deliveryKey,
        claimToken: heir.claimToken,
        now: at(LEASE + 1),
        errorCode: 'uncertain_after_crash',
        errorReason: '无法确认',
      });
      expect(await log.get(dead.deliveryKey)).toMatchObject({
        status: 'uncertain',
        claimToken: null,
        errorCode: 'uncertain_after_crash',
        errorReason: '无法确认',
      });
      expect((await log.claim(request(dead.deliveryKey, { now: at(10 * LEASE) }))).kind).toBe('done');
      expect((await log.problems({ notificationIdPrefix: 'c1/' })).map((p) => p.status)).toEqual([
        'uncertain',
      ]);
      // The dead attempt cannot turn it into something retryable…
      await expect(
        log.markRetrying({
          deliveryKey: dead.deliveryKey,
          claimToken: dead.claimToken,
          now: at(LEASE + 2),
          errorCode: 'x',
          errorReason: 'x',
        }),
      ).rejects.toBeInstanceOf(LostClaimError);
      await expect(
        log.markDeferred({
          deliveryKey: dead.deliveryKey,
          claimToken: dead.claimToken,
          now: at(LEASE + 2),
          deferUntil: at(LEASE * 3),
        }),
      ).rejects.toBeInstanceOf(LostClaimError);
      // …but if it was only slow and the provider did accept, that is the truth to record.
      await log.markSent({
        deliveryKey: dead.deliveryKey,
        claimToken: dead.claimToken,
        now: at(LEASE + 3),
        providerMessageId: 'late-but-sent',
      });
      expect(await log.get(dead.deliveryKey)).toMatchObject({
        status: 'sent',
        providerMessageId: 'late-but-sent',
      });
      expect(await log.problems()).toEqual([]);
      expect((await log.attempts(dead.deliveryKey)).map((a) => a.outcome)).toEqual([
        'claimed',
        'took_over',
        'uncertain',
        'sent',
      ]);
    });

    it('a transient failure releases the claim at once; the retry is a plain claim, not a take-over', async () => {
      const { log } = await fresh();
      const a = request('n4#email#liaison#zhang@example.cn');
      await log.claim(a);
      await log.markRetrying({
        deliveryKey: a.deliveryKey,
        claimToken: a.claimToken,
        now: at(1),
        errorCode: 'smtp_transient',
        errorReason: '连接超时',
      });
      expect(await log.get(a.deliveryKey)).toMatchObject({
        status: 'retrying',
        claimToken: null,
        errorCode: 'smtp_transient',
        errorReason: '连接超时',
      });
      const b = request(a.deliveryKey, { now: at(2), address: 'zhang2@example.cn' });
      expect(await log.claim(b)).toMatchObject({
        kind: 'claimed',
        tookOver: false,
        record: { attempts: 2, address: 'zhang2@example.cn' },
      });
    });

    it('a deferred delivery keeps its instant and is claimed again when it is due', async () => {
      const { log } = await fresh();
      const a = request('n5#sms#liaison#13800000002', { channel: 'sms' });
      await log.claim(a);
      const until = new Date('2009-12-14T00:30:00.000Z');
      await log.markDeferred({
        deliveryKey: a.deliveryKey,
        claimToken: a.claimToken,
        now: at(1),
        deferUntil: until,
      });
      expect(await log.get(a.deliveryKey)).toMatchObject({
        status: 'deferred',
        deferUntil: until.toISOString(),
        claimToken: null,
      });
      expect((await log.claim(request(a.deliveryKey, { now: until, channel: 'sms' }))).kind).toBe('claimed');
    });

    it('permanent failures are final and listed for the office, newest first, by prefix and limit', async () => {
      const { log } = await fresh();
      const keys = ['c1/u1/a#email#liaison#x', 'c1/u2/b#email#head#y', 'c2/u1/c#sms#liaison#z'];
      for (const [i, key] of keys.entries()) {
        const r = request(key, { notificationId: key.split('#')[0] ?? key });
        await log.claim(r);
        await log.markFailed({
          deliveryKey: key,
          claimToken: r.claimToken,
          now: at(1000 * (i + 1)),
          errorCode: 'invalid_address',
          errorReason: `地址错误 ${i}`,
        });
      }
      const ok = request('c1/u3/d#email#liaison#ok');
      await log.claim(ok);
      await log.markSent({
        deliveryKey: ok.deliveryKey,
        claimToken: ok.claimToken,
        now: at(5000),
        providerMessageId: null,
      });
      expect((await log.claim(request(keys[0] ?? '', { now: at(10 * LEASE) }))).kind).toBe('done');
      expect((await log.problems()).map((f) => f.deliveryKey)).toEqual([...keys].reverse());
      expect((await log.problems({ notificationIdPrefix: 'c1/' })).map((f) => f.errorReason)).toEqual([
        '地址错误 1',
        '地址错误 0',
      ]);
      expect(await log.problems({ limit: 1 })).toHaveLength(1);
      // LIKE-style wildcards in a prefix are literal text, not patterns.
      expect(await log.problems({ notificationIdPrefix: 'c_/' })).toEqual([]);
    });

    it('10 concurrent claims of one delivery: exactly one wins, the rest are busy', async () => {
      const { log } = await fresh();
      const key = 'n7#email#liaison#zhang@example.cn';
      const results = await Promise.all(Array.from({ length: 10 }, () => log.claim(request(key))));
      expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'busy')).toHaveLength(9);
      expect(await log.attempts(key)).toHaveLength(1);
    });

    it('10 concurrent claims from two workers sharing the store: exactly one wins', async () => {
      const { log, openAnother } = await fresh();
      const other = await openAnother();
      const key = 'n8#email#liaison#zhang@example.cn';
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? log : other).claim(request(key))),
      );
      const winners = results.filter((r) => r.kind === 'claimed');
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'busy')).toHaveLength(9);
      const winner = winners[0];
      expect((await other.get(key))?.claimToken).toBe(winner?.record.claimToken);
    });

    it('after a stale claim, concurrent retries still produce exactly one take-over', async () => {
      const { log, openAnother } = await fresh();
      const other = await openAnother();
      const key = 'n9#email#liaison#zhang@example.cn';
      await log.claim(request(key));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? log : other).claim(request(key, { now: at(LEASE + 1) })),
        ),
      );
      expect(results.filter((r) => r.kind === 'claimed')).toEqual([
        expect.objectContaining({
          tookOver: true,
          record: expect.objectContaining({ attempts: 2 }) as unknown,
        }),
      ]);
      expect(results.filter((r) => r.kind === 'busy')).toHaveLength(9);
    });

    async function failed(log: DeliveryLog, key: string, ms: number, how: 'failed' | 'uncertain' = 'failed') {
      const r = request(key, { notificationId: key.split('#')[0] ?? key, now: at(ms) });
      await log.claim(r);
      const o = {
        deliveryKey: key,
        claimToken: r.claimToken,
        now: at(ms + 1),
        errorCode: how === 'failed' ? 'smtp_550' : 'uncertain_after_crash',
        errorReason: how === 'failed' ? '邮箱不存在' : '无法确认',
      };
      if (how === 'failed') await log.markFailed(o);
      else await log.markUncertain(o);
      return r;
    }

    it('a resolved problem leaves the open list but keeps its status; includeResolved shows it with the resolution', async () => {
      const { log, openAnother } = await fresh();
      const a = 'c1/u1/a#email#liaison#gone@example.cn';
      const b = 'c1/u2/b#sms#liaison#13800000003';
      await failed(log, a, 0);
      await failed(log, b, 1000, 'uncertain');
      const before = await log.get(b);
      const resolution = await log.resolve({
        deliveryKey: b,
        kind: 'received',
        by: ' 孙主任 ',
        note: ' 已电话核实收到 ',
        now: at(5000),
      });
      expect(resolution).toEqual({
        kind: 'received',
        by: '孙主任',
        at: at(5000).toISOString(),
        note: '已电话核实收到',
      });
      // The send's own record is untouched: still uncertain, same time, same reason.
      expect(await log.get(b)).toEqual(before);
      expect((await log.problems()).map((p) => [p.deliveryKey, p.resolution])).toEqual([[a, null]]);
      const all = await log.problems({ includeResolved: true, notificationIdPrefix: 'c1/' });
      expect(all.map((p) => [p.deliveryKey, p.status, p.resolution])).toEqual([
        [b, 'uncertain', resolution],
        [a, 'failed', null],
      ]);
      // Another worker or the API sees the same resolution.
      const other = await openAnother();
      expect((await other.problems({ includeResolved: true, limit: 1 }))[0]?.resolution).toEqual(resolution);
      expect(await other.problems()).toHaveLength(1);
      // A note is optional; an empty one is stored as none.
      expect(
        await log.resolve({ deliveryKey: a, kind: 'address_fixed', by: '孙主任', note: '  ', now: at(6000) }),
      ).toMatchObject({ note: null });
      expect(await log.problems()).toEqual([]);
      expect((await log.get(a))?.status).toBe('failed');
    });

    it('resolving again replaces the resolution; the attempt history keeps every one', async () => {
      const { log } = await fresh();
      const key = 'c1/u3/c#email#head#head@example.cn';
      await failed(log, key, 0, 'uncertain');
      await log.resolve({ deliveryKey: key, kind: 'received', by: '孙主任', now: at(5000) });
      await log.resolve({
        deliveryKey: key,
        kind: 'resent',
        by: '李干事',
        note: '对方说没收到，已补发',
        now: at(6000),
      });
      const [p] = await log.problems({ includeResolved: true });
      expect(p?.resolution).toEqual({
        kind: 'resent',
        by: '李干事',
        at: at(6000).toISOString(),
        note: '对方说没收到，已补发',
      });
      expect((await log.attempts(key)).map((x) => [x.outcome, x.detail])).toEqual([
        ['claimed', null],
        ['uncertain', '无法确认'],
        ['resolved', 'received · 孙主任'],
        ['resolved', 'resent · 李干事 · 对方说没收到，已补发'],
      ]);
      // Resolving is not a claim: a later attempt still finds the delivery done and sends nothing.
      expect((await log.claim(request(key, { now: at(10 * LEASE) }))).kind).toBe('done');
    });

    it('refuses an unknown key, a delivery that is not a problem, and a note over 200 characters, writing nothing', async () => {
      const { log } = await fresh();
      const reason = (p: Promise<unknown>) =>
        p.then(
          () => 'resolved',
          (e: unknown) => (e instanceof ResolveError ? [e.reason, e.message] : e),
        );
      expect(
        await reason(log.resolve({ deliveryKey: 'nobody', kind: 'other', by: '孙主任', now: T0 })),
      ).toEqual(['unknown_delivery', '没有这条投递记录：nobody']);
      const ok = request('c1/u4/d#email#liaison#ok@example.cn');
      await log.claim(ok);
      expect(
        await reason(log.resolve({ deliveryKey: ok.deliveryKey, kind: 'other', by: '孙主任', now: T0 })),
      ).toEqual([
        'not_a_problem',
        `这条通知的状态是「正在发送」，不是发送失败或结果未知，无需标记处理：${ok.deliveryKey}`,
      ]);
      await log.markSent({
        deliveryKey: ok.deliveryKey,
        claimToken: ok.claimToken,
        now: at(1),
        providerMessageId: null,
      });
      expect(
        await reason(log.resolve({ deliveryKey: ok.deliveryKey, kind: 'other', by: '孙主任', now: T0 })),
      ).toEqual([
        'not_a_problem',
        `这条通知的状态是「已发送成功」，不是发送失败或结果未知，无需标记处理：${ok.deliveryKey}`,
      ]);
      const bad = 'c1/u5/e#email#liaison#bad';
      await failed(log, bad, 0);
      expect(
        await reason(
          log.resolve({ deliveryKey: bad, kind: 'other', by: '', note: '长'.repeat(201), now: T0 }),
        ),
      ).toEqual(['invalid', '处理人不能为空；说明不能超过 200 个字']);
      expect(
        await reason(
          log.resolve({ deliveryKey: bad, kind: 'other', by: '孙主任', note: '长'.repeat(200), now: T0 }),
        ),
      ).toBe('resolved');
      expect((await log.attempts(ok.deliveryKey)).map((x) => x.outcome)).toEqual(['claimed', 'sent']);
    });
  });
}
