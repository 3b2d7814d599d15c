/**
 * The board's part of the status store contract (board-queries.ts over board-schema.ts), run by
 * statusStoreContract against every store: counts, 红黄绿 at the reader's now, pages of units,
 * escalations, surveys and reviews, for the office and for one 指导组, and that the board rows
 * always follow the stored publish (a stale one changes nothing).
 */
import { expect, it } from 'vitest';
import type { BoardScope } from '../../../../activities/status/board-types.js';
import type { StatusStore } from '../../../../activities/status/status-store.js';
import { escalation, survey, task, unitRecord } from './board-fixtures.js';

type Fresh = () => Promise<{ store: StatusStore; another: () => Promise<StatusStore> }>;

const BEFORE = '2009-09-10T00:00:00.000Z';
const AFTER = '2009-09-20T00:00:00.000Z';
const page = { limit: 50, offset: 0 };

async function seed(store: StatusStore): Promise<void> {
  // u1: open task due 09-15 (amber after), at level 3 (red after); u2: returned (amber always), G2;
  // u3: all done (green); u4: paused (amber); u5: another campaign.
  await store.publish(
    unitRecord('u1', {
      groupName: '第一指导组',
      tasks: [task('t1', { escalationLevel: 3 }), task('t2', { dueAt: '2009-09-18T09:30:00.000Z' })],
      openEscalations: [escalation('t1', 3), escalation('t2', 1, { acknowledged: true })],
    }),
  );
  await store.publish(
    unitRecord('u2', {
      groupId: 'G2',
      unitType: 'city_bureau',
      remedialRound: 1,
      tasks: [task('t1', { status: 'returned', dueAt: '2009-09-25T09:30:00.000Z' })],
      openEscalations: [escalation('t1', 2)],
      surveys: [survey(1, 10), survey(2, 2, { recordedAt: '2009-12-20T02:00:00.000Z' })],
    }),
  );
  await store.publish(
    unitRecord('u3', {
      stage: 'analysis',
      tasks: [
        task('t1', { status: 'done' }),
        task('t9', { status: 'submitted', needsReview: true, completedAt: '2009-09-12T02:00:00.000Z' }),
      ],
      surveys: [survey(1, 1)],
    }),
  );
  await store.publish(unitRecord('u4', { phase: 'paused', tasks: [task('t1', { status: 'done' })] }));
  await store.publish(unitRecord('u5', { campaignId: 'c2', openEscalations: [escalation('t1', 3)] }));
}

export function boardContract(fresh: Fresh): void {
  it('board: counts by phase, stage, type, 指导组, 补课, and 红黄绿 and overdue at the reader’s now', async () => {
    const { store, another } = await fresh();
    await seed(store);
    const other = await another();
    const before = await other.boardSummary({ campaignId: 'c1' }, BEFORE);
    expect(before).toMatchObject({
      published: 4,
      byPhase: [
        { value: 'running', count: 3 },
        { value: 'paused', count: 1 },
      ],
      byStage: [
        { value: 'study', count: 3 },
        { value: 'analysis', count: 1 },
      ],
      byUnitType: [
        { value: 'town_office', count: 3 },
        { value: 'city_bureau', count: 1 },
      ],
      byGroup: [
        { value: 'G1', count: 3 },
        { value: 'G2', count: 1 },
      ],
      byRemedialRound: [{ value: '1', count: 1 }],
      rag: { red: 0, amber: 2, green: 2 },
      overdueUnits: 0,
      escalations: {
        open: 3,
        unacknowledged: 2,
        units: 2,
        byLevel: [
          { value: '1', count: 1 },
          { value: '2', count: 1 },
          { value: '3', count: 1 },
        ],
      },
      reviews: { waiting: 1, pastLimit: 0 },
      surveys: { units: 2, remedialNeeded: 0 },
    });
    const after = await other.boardSummary({ campaignId: 'c1' }, AFTER);
    expect(after.rag).toEqual({ red: 1, amber: 2, green: 1 });
    expect(after.overdueUnits).toBe(1);
    const g2 = await other.boardSummary({ campaignId: 'c1', groupId: 'G2' }, AFTER);
    expect(g2).toMatchObject({ published: 1, rag: { red: 0, amber: 1, green: 0 }, groupId: 'G2' });
    expect(g2.escalations.open).toBe(1);
    expect((await other.boardSummary({ campaignId: 'nobody' }, AFTER)).published).toBe(0);
  });

  it('board: a page of units with each stage’s 红黄绿 and the overdue count at now; filters and paging', async () => {
    const { store } = await fresh();
    await seed(store);
    const all = await store.boardUnits({ campaignId: 'c1' }, {}, page, AFTER);
    expect(all.total).toBe(4);
    expect(all.columns).toEqual([
      { stageId: 'study', title: '学习调研阶段' },
      { stageId: 'analysis', title: '分析检查阶段' },
    ]);
    expect(all.units.map((u) => [u.unitId, u.rag, u.overdueCount, u.stages.map((s) => s.rag)])).toEqual([
      ['u1', 'red', 2, ['red', 'grey']],
      ['u2', 'amber', 0, ['amber', 'grey']],
      ['u3', 'green', 0, ['green', 'grey']],
      ['u4', 'amber', 0, ['amber', 'grey']],
    ]);
    expect(all.units[0]).toMatchObject({
      unitName: '单位u1',
      group: 'G1',
      groupName: '第一指导组',
      openEscalations: 2,
    });
    expect(all.units[1]?.groupName).toBeUndefined();
    const ids = async (
      f: Parameters<StatusStore['boardUnits']>[1],
      scope: BoardScope = { campaignId: 'c1' },
    ) => (await store.boardUnits(scope, f, page, AFTER)).units.map((u) => u.unitId);
    expect(await ids({ rag: 'amber' })).toEqual(['u2', 'u4']);
    expect(await ids({ overdue: true })).toEqual(['u1']);
    expect(await ids({ unitType: 'city_bureau' })).toEqual(['u2']);
    expect(await ids({ stage: 'analysis' })).toEqual(['u3']);
    expect(await ids({ remedialRound: 1 })).toEqual(['u2']);
    expect(await ids({}, { campaignId: 'c1', groupId: 'G1' })).toEqual(['u1', 'u3', 'u4']);
    const second = await store.boardUnits({ campaignId: 'c1' }, {}, { limit: 2, offset: 2 }, AFTER);
    expect([second.total, second.units.map((u) => u.unitId)]).toEqual([4, ['u3', 'u4']]);
  });

  it('board: every open escalation, highest level and latest first, paged; 指导组 scope; unacknowledged only', async () => {
    const { store } = await fresh();
    await seed(store);
    const list = await store.boardEscalations({ campaignId: 'c1' }, page);
    expect([list.total, list.unacknowledged]).toEqual([3, 2]);
    expect(list.items.map((e) => [e.unitId, e.taskId, e.level, e.acknowledged])).toEqual([
      ['u1', 't1', 3, false],
      ['u2', 't1', 2, false],
      ['u1', 't2', 1, true],
    ]);
    expect(list.items[0]).toMatchObject({
      unitName: '单位u1',
      taskTitle: '事项t1',
      label: '通报',
      group: 'G1',
    });
    const second = await store.boardEscalations({ campaignId: 'c1' }, { limit: 2, offset: 2 });
    expect(second.items.map((e) => e.taskId)).toEqual(['t2']);
    const open = await store.boardEscalations({ campaignId: 'c1' }, { ...page, unacknowledgedOnly: true });
    expect(open.items.map((e) => e.level)).toEqual([3, 2]);
    const g2 = await store.boardEscalations({ campaignId: 'c1', groupId: 'G2' }, page);
    expect(g2.items.map((e) => e.unitId)).toEqual(['u2']);
  });

  it('board: survey summary by round and each unit’s latest result, most dissatisfied first', async () => {
    const { store } = await fresh();
    await seed(store);
    const s = await store.boardSurveys({ campaignId: 'c1' }, page);
    expect([s.surveyedUnits, s.latestRemedialNeeded]).toEqual([2, 0]);
    expect(s.byRound).toEqual([
      {
        round: 1,
        units: 2,
        satisfied: 8 + 17,
        basicallySatisfied: 4,
        dissatisfied: 11,
        respondents: 40,
        remedialNeeded: 1,
      },
      {
        round: 2,
        units: 1,
        satisfied: 16,
        basicallySatisfied: 2,
        dissatisfied: 2,
        respondents: 20,
        remedialNeeded: 0,
      },
    ]);
    expect(s.units.map((u) => [u.unitId, u.round, u.dissatisfied])).toEqual([
      ['u2', 2, 2],
      ['u3', 1, 1],
    ]);
    expect((await store.boardSurveys({ campaignId: 'c1', groupId: 'G2' }, page)).surveyedUnits).toBe(1);
  });

  it('board: submissions waiting for review, longest first, with the published review view', async () => {
    const { store } = await fresh();
    await seed(store);
    const r = await store.boardReviews({ campaignId: 'c1' }, page, AFTER);
    expect([r.total, r.pastLimit]).toEqual([1, 0]);
    expect(r.items).toEqual([
      {
        unitId: 'u3',
        unitName: '单位u3',
        group: 'G1',
        taskId: 't9',
        title: '事项t9',
        submissions: 0,
        dueAt: '2009-09-15T09:30:00.000Z',
        submittedAt: '2009-09-12T02:00:00.000Z',
      },
    ]);
    expect((await store.boardReviews({ campaignId: 'c1', groupId: 'G2' }, page, AFTER)).total).toBe(0);
  });

  it('board: follows the stored publish only; a stale publish or a repeat leaves it as it was', async () => {
    const { store } = await fresh();
    await seed(store);
    // u1 acknowledges and is extended (seq 2): its escalations go, it is green again.
    const newer = unitRecord('u1', { seq: 2, tasks: [task('t1', { dueAt: '2009-10-15T09:30:00.000Z' })] });
    expect(await store.publish(newer)).toBe('stored');
    // A late retry of seq 1 (the old state) is ignored, and so is a repeat of seq 2.
    const old = unitRecord('u1', { seq: 1, openEscalations: [escalation('t1', 3)] });
    expect(await store.publish(old)).toBe('stale');
    expect(await store.publish(newer)).toBe('stale');
    const list = await store.boardEscalations({ campaignId: 'c1' }, page);
    expect(list.items.map((e) => e.unitId)).toEqual(['u2']);
    const units = await store.boardUnits({ campaignId: 'c1' }, {}, page, AFTER);
    expect(units.units.find((u) => u.unitId === 'u1')?.rag).toBe('green');
    // A later run wins over any seq: its surveys replace the earlier ones.
    await store.publish(unitRecord('u2', { run: 2, seq: 1, groupId: 'G2', surveys: [survey(1, 0)] }));
    const s = await store.boardSurveys({ campaignId: 'c1' }, page);
    expect(s.units.find((u) => u.unitId === 'u2')).toMatchObject({ round: 1, dissatisfied: 0 });
  });
}

/** Deterministic shuffles (no Math.random: a failure repeats). */
function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Why the board converges whatever the faults: a workflow publishes after every change, numbered
 * (run, seq); a worker killed before its task completed replays it and publishes the same (run, seq)
 * again, a retried local activity repeats one, a slow one arrives after a newer one. The store keeps
 * the highest (run, seq) and derives the board rows from exactly that record in the same
 * transaction, so any order of any repeats of the publishes ends in the board of the last ones.
 */
export function boardConvergenceContract(fresh: Fresh): void {
  it('board: any order and any repeats of the publishes give the board of the last publish of each unit', async () => {
    const history = ['u1', 'u2', 'u3'].flatMap((u, k) =>
      [1, 2, 3, 4].map((seq) =>
        unitRecord(u, {
          seq: seq === 4 ? 1 : seq,
          run: seq === 4 ? 2 : 1,
          groupId: `G${k}`,
          stage: seq > 2 ? 'analysis' : 'study',
          tasks: [task('t1', { escalationLevel: seq, status: seq === 3 ? 'returned' : 'open' })],
          openEscalations: seq % 2 ? [escalation('t1', seq)] : [],
          surveys: seq >= 3 ? [survey(1, seq * 2)] : [],
        }),
      ),
    );
    const last = history.filter((r) => r.run === 2);
    const read = async (store: StatusStore) =>
      JSON.stringify([
        await store.boardSummary({ campaignId: 'c1' }, AFTER),
        await store.boardUnits({ campaignId: 'c1' }, {}, page, AFTER),
        await store.boardEscalations({ campaignId: 'c1' }, page),
        await store.boardSurveys({ campaignId: 'c1' }, page),
      ]);
    const { store: reference } = await fresh();
    for (const r of last) await reference.publish(r);
    const want = await read(reference);
    for (const seed of [1, 2, 3]) {
      const { store } = await fresh();
      // Every publish once or twice (a replay after a kill, a retry), in a shuffled order.
      for (const r of shuffled([...history, ...history.filter((_, i) => (i + seed) % 3 === 0)], seed))
        await store.publish(r);
      expect(await read(store)).toBe(want);
    }
  });
}
