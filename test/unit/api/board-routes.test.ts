/**
 * The board's routes (client/api/board-routes.ts) in-process over a SQLite read model and a
 * Temporal client that must not be touched: the office's and a 指导组's counts, a units page,
 * escalations, surveys and reviews, scopes and refusals. The clock is pinned (2009-09-20).
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';
import { createApiServer } from '../../../client/api/server.js';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { issueTokens } from '../../../client/api/tokens.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import type {
  BoardEscalationPage,
  BoardOverview,
  BoardReviewPage,
  BoardSurveySummary,
  BoardUnitPage,
} from '../../../client/api/wire/board.js';
import type { RosterUnit } from '../../../domain/roster/types.js';
import { escalation, survey, task, unitRecord } from '../status/support/board-fixtures.js';
import { UNIT_A } from './support.js';

const unitOf = (id: string, groupId: string): RosterUnit => ({
  ...UNIT_A,
  id,
  name: `${id}镇机关`,
  groupId,
  group: { ...UNIT_A.group, id: groupId, name: `${groupId}组` },
});
// C is launched but its workflow has not published yet.
const { store, issued } = issueTokens(
  'c1',
  [unitOf('A', 'G1'), unitOf('B', 'G2'), unitOf('C', 'G1')],
  { name: '活动办', members: [{ id: 'office', name: '孙主任' }] },
  ['study'],
  new Date('2009-09-01T00:00:00Z'),
  3650,
);
const bearer = (personId: string) => ({
  authorization: `Bearer ${issued.find((t) => t.personId === personId)!.token}`,
});
const NOW = Date.parse('2009-09-20T00:00:00Z');
const statusStore = openSqliteStatusStore(':memory:');
let app: FastifyInstance;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'board-routes-'));
  await statusStore.publish(
    unitRecord('A', {
      tasks: [
        task('t1', { escalationLevel: 3 }),
        task('t9', {
          status: 'submitted',
          needsReview: true,
          review: {
            submittedAt: '2009-09-16T02:00:00.000Z',
            dueAt: '2009-09-18T09:30:00.000Z',
            dayStarts: ['2009-09-16T16:00:00.000Z', '2009-09-17T16:00:00.000Z', '2009-09-20T16:00:00.000Z'],
            workingDay: 1,
            overdue: false,
            escalationLevel: 0,
          },
        }),
      ],
      openEscalations: [escalation('t1', 3), escalation('t1', 1, { acknowledged: true })],
      campaignId: 'c1',
    }),
  );
  await statusStore.publish(
    unitRecord('B', {
      groupId: 'G2',
      tasks: [task('t1', { status: 'done' })],
      openEscalations: [escalation('t2', 2)],
      surveys: [survey(1, 9)],
    }),
  );
  app = await createApiServer({
    // Not one call may reach Temporal: every answer comes from the read model.
    temporalClient: {} as Client,
    statusStore,
    store: new FileTokenStore(store),
    uploads: localUploadStore(dir),
    progress: { timerMs: 0 },
    now: () => NOW,
    rateLimitPerMinute: 1_000_000,
  });
});
afterAll(async () => {
  await app?.close();
  await statusStore.close();
  await rm(dir, { recursive: true, force: true });
});

const get = async <T>(url: string, person = 'office') => {
  const r = await app.inject({ method: 'GET', url: `/api/campaigns/c1${url}`, headers: bearer(person) });
  return { status: r.statusCode, body: r.json<T>() };
};

describe('board routes', () => {
  it('office: counts over the read model, launched units not yet published counted as starting', async () => {
    const { status, body } = await get<BoardOverview>('/board');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      campaignId: 'c1',
      asOf: '2009-09-20T00:00:00.000Z',
      launched: 3,
      published: 2,
      starting: 1,
      rag: { red: 1, amber: 0, green: 1 },
      overdueUnits: 1,
      escalations: { open: 3, unacknowledged: 2, units: 2 },
      reviews: { waiting: 1, pastLimit: 1 },
      surveys: { units: 1, remedialNeeded: 1 },
    });
  });

  it('a 指导组 gets its own units only, and is refused another group by name', async () => {
    const { body } = await get<BoardOverview>('/board', 'G1-m1');
    expect(body).toMatchObject({ groupId: 'G1', launched: 2, published: 1, starting: 1 });
    const units = await get<BoardUnitPage>('/board/units', 'G1-m1');
    expect(units.body.units.map((u) => u.unitId)).toEqual(['A']);
    const esc = await get<BoardEscalationPage>('/board/escalations', 'G2-m1');
    expect(esc.body.items.map((e) => [e.unitId, e.level])).toEqual([['B', 2]]);
    const other = await get<{ message: string }>('/board/units?group=G2', 'G1-m1');
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('只能查看本指导组（G1）联系的单位');
    // The office may narrow to one group.
    const g2 = await get<BoardUnitPage>('/board/units?group=G2');
    expect(g2.body.units.map((u) => u.unitId)).toEqual(['B']);
  });

  it('a unit’s login is refused the board', async () => {
    const r = await get<{ message: string }>('/board', 'A-liaison');
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/无权查看汇总/);
  });

  it('pages escalations and units, filters by 红黄绿; a bad query names the field in Chinese', async () => {
    const esc = await get<BoardEscalationPage>('/board/escalations?limit=1&offset=1');
    expect([esc.body.total, esc.body.items.map((e) => [e.unitId, e.level])]).toEqual([3, [['B', 2]]]);
    const open = await get<BoardEscalationPage>('/board/escalations?unacknowledged=true');
    expect(open.body.items.map((e) => e.level)).toEqual([3, 2]);
    const red = await get<BoardUnitPage>('/board/units?rag=red');
    expect(red.body.units.map((u) => [u.unitId, u.stages.map((s) => s.rag)])).toEqual([
      ['A', ['red', 'grey']],
    ]);
    const bad = await get<{ message: string }>('/board/units?rag=purple&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('rag');
    expect(bad.body.message).toContain('limit');
  });

  it('surveys and reviews: the summary by round, and the review wait recounted at now', async () => {
    const s = await get<BoardSurveySummary>('/board/surveys');
    expect(s.body).toMatchObject({ surveyedUnits: 1, latestRemedialNeeded: 1 });
    expect(s.body.byRound).toEqual([
      {
        round: 1,
        units: 1,
        satisfied: 9,
        basicallySatisfied: 2,
        dissatisfied: 9,
        respondents: 20,
        remedialNeeded: 1,
      },
    ]);
    const r = await get<BoardReviewPage>('/board/reviews');
    expect(r.body.items.map((i) => [i.unitId, i.taskId, i.review?.workingDay, i.review?.overdue])).toEqual([
      ['A', 't9', 3, true],
    ]);
  });
});
