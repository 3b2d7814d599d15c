/**
 * The health cache's part of the status store contract (activities/status/health.ts), run by
 * statusStoreContract against every store.
 */
import { expect, it } from 'vitest';
import type { UnitHealthRecord } from '../../../../activities/status/health.js';
import type { StatusStore, UnitStatusRecord } from '../../../../activities/status/status-store.js';

type Fresh = () => Promise<{ store: StatusStore; another: () => Promise<StatusStore> }>;

function stuck(unitId: string, o: Partial<UnitHealthRecord> = {}): UnitHealthRecord {
  return {
    campaignId: 'c1',
    unitId,
    unitName: `单位${unitId}`,
    state: 'stuck',
    runId: 'run-1',
    failures: 4,
    error:
      '[TMPRL1100] Nondeterminism error: No command scheduled for event HistoryEvent(id: 31, TimerStarted)',
    errorCause: 'WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR',
    failedEventId: 49,
    failedAt: '2009-09-01T09:00:00+08:00',
    since: '2009-09-01T09:01:00+08:00',
    checkedAt: '2009-09-01T09:01:00+08:00',
    ...o,
  };
}

export function healthCacheContract(
  fresh: Fresh,
  record: (unitId: string, run: number, seq: number, o?: Partial<UnitStatusRecord>) => UnitStatusRecord,
): void {
  it('health: round-trips a finding (instants in UTC), keeps `since` while the state stays and restarts it when the state changes', async () => {
    const { store, another } = await fresh();
    await store.putHealth([stuck('u2'), stuck('u1', { state: 'late', failures: 0 })]);
    await store.putHealth([{ ...stuck('u9'), campaignId: 'c2' }]);
    const other = await another();
    expect(await other.healthOf('c1', 'u2')).toEqual({
      ...stuck('u2'),
      failedAt: '2009-09-01T01:00:00.000Z',
      since: '2009-09-01T01:01:00.000Z',
      checkedAt: '2009-09-01T01:01:00.000Z',
    });
    expect((await other.health('c1')).map((r) => [r.unitId, r.state])).toEqual([
      ['u1', 'late'],
      ['u2', 'stuck'],
    ]);
    expect((await other.health('c1', { states: ['stuck'] })).map((r) => r.unitId)).toEqual(['u2']);
    expect((await other.health('c2')).map((r) => r.unitId)).toEqual(['u9']);

    // Checked again, still stuck: the failure count moves on, `since` stays.
    await store.putHealth([
      stuck('u2', { failures: 7, since: '2009-09-01T02:00:00Z', checkedAt: '2009-09-01T02:00:00Z' }),
    ]);
    expect(await store.healthOf('c1', 'u2')).toMatchObject({
      failures: 7,
      since: '2009-09-01T01:01:00.000Z',
      checkedAt: '2009-09-01T02:00:00.000Z',
    });
    // Late becomes stuck: `since` is the moment it became stuck.
    await store.putHealth([
      stuck('u1', { since: '2009-09-01T03:00:00Z', checkedAt: '2009-09-01T03:00:00Z' }),
    ]);
    expect(await store.healthOf('c1', 'u1')).toMatchObject({
      state: 'stuck',
      since: '2009-09-01T03:00:00.000Z',
    });
    // A finding without the optional parts reads back without them.
    await store.putHealth([
      {
        campaignId: 'c1',
        unitId: 'u3',
        state: 'late',
        since: '2009-09-01T03:00:00Z',
        checkedAt: '2009-09-01T03:00:00Z',
      },
    ]);
    expect(await store.healthOf('c1', 'u3')).toEqual({
      campaignId: 'c1',
      unitId: 'u3',
      state: 'late',
      since: '2009-09-01T03:00:00.000Z',
      checkedAt: '2009-09-01T03:00:00.000Z',
    });
  });

  it('health: a failed Update marks a unit suspect unless it already has a finding; clearing removes only the units named', async () => {
    const { store } = await fresh();
    await store.putHealth([stuck('u1')]);
    await store.noteSuspect('c1', 'u1', '2009-09-02T09:00:00+08:00', '报送未能送达流程');
    await store.noteSuspect('c1', 'u2', '2009-09-02T09:00:00+08:00', '报送未能送达流程');
    expect(await store.healthOf('c1', 'u1')).toMatchObject({ state: 'stuck', failures: 4 });
    expect(await store.healthOf('c1', 'u2')).toEqual({
      campaignId: 'c1',
      unitId: 'u2',
      state: 'suspect',
      note: '报送未能送达流程',
      since: '2009-09-02T01:00:00.000Z',
      checkedAt: '2009-09-02T01:00:00.000Z',
    });
    await store.clearHealth('c1', ['u2', 'nobody']);
    await store.clearHealth('c1', []);
    expect((await store.health('c1')).map((r) => r.unitId)).toEqual(['u1']);
  });

  it('health: one scan per campaign and interval across handles; a scan that started before the stale mark can be taken over', async () => {
    const { store, another } = await fresh();
    const other = await another();
    expect(await store.lastHealthScan('c1')).toBeUndefined();
    expect(await store.claimHealthScan('c1', '2009-09-01T01:00:00.000Z', '2009-09-01T00:59:30.000Z')).toBe(
      true,
    );
    expect(await other.claimHealthScan('c1', '2009-09-01T01:00:10.000Z', '2009-09-01T00:59:40.000Z')).toBe(
      false,
    );
    expect(await other.claimHealthScan('c2', '2009-09-01T01:00:10.000Z', '2009-09-01T00:59:40.000Z')).toBe(
      true,
    );
    expect(await other.lastHealthScan('c1')).toEqual({
      campaignId: 'c1',
      startedAt: '2009-09-01T01:00:00.000Z',
    });
    await store.finishHealthScan('c1', '2009-09-01T01:00:02.000Z', 3);
    expect(await other.lastHealthScan('c1')).toEqual({
      campaignId: 'c1',
      startedAt: '2009-09-01T01:00:00.000Z',
      finishedAt: '2009-09-01T01:00:02.000Z',
      stuck: 3,
    });
    expect(await other.claimHealthScan('c1', '2009-09-01T01:00:31.000Z', '2009-09-01T01:00:01.000Z')).toBe(
      true,
    );
    expect((await store.lastHealthScan('c1'))?.startedAt).toBe('2009-09-01T01:00:31.000Z');
  });

  it('health: active campaigns are those with a unit running or paused', async () => {
    const { store } = await fresh();
    await store.publish(record('u1', 1, 1));
    await store.publish({ ...record('u1', 1, 1, { phase: 'paused' }), campaignId: 'c2' });
    await store.publish({ ...record('u1', 1, 1, { phase: 'completed' }), campaignId: 'c3' });
    await store.publish({ ...record('u2', 1, 1, { phase: 'cancelled' }), campaignId: 'c3' });
    expect(await store.activeCampaigns()).toEqual(['c1', 'c2']);
  });

  it('after a reset the unit’s next publish wins even with a lower number, and ordering holds again from there', async () => {
    const { store } = await fresh();
    await store.publish(record('u1', 1, 50, { stage: 'analysis' }));
    expect(await store.publish(record('u1', 1, 31, { stage: 'study' }))).toBe('stale');
    await store.restartPublishOrder('c1', 'u1');
    expect(await store.publish(record('u1', 1, 31, { stage: 'study' }))).toBe('stored');
    expect(await store.publish(record('u1', 1, 30, { stage: 'analysis' }))).toBe('stale');
    expect((await store.get('c1', 'u1'))?.stage).toBe('study');
  });
}
