/**
 * The 延期申请 routes in-process (the security suite's harness: the real server, a fake Temporal
 * client, an in-memory read model): who sees which waiting requests, the office's batch decision
 * (one Update per item, one refusal not stopping the others) and what it refuses.
 */
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';
import { Rejected } from '../../../domain/failures.js';
import * as S from '../../../workflows/unit-campaign/state.js';
import { startHarness, type Caller, type Harness } from '../../security/harness.js';
import { townOfficeContext } from '../unit-campaign/support.js';

const now = Date.parse('2009-09-02T10:00:00+08:00');
const status = openSqliteStatusStore(':memory:');
const updates: { workflowId: string; update: string; request: Record<string, unknown> }[] = [];
const temporalClient = {
  workflow: {
    getHandle: (workflowId: string) => ({
      executeUpdate: (def: { name: string }, o: { args: [Record<string, unknown>] }) => {
        updates.push({ workflowId, update: def.name, request: o.args[0] });
        return workflowId.endsWith('/unit/B')
          ? Promise.reject(new Rejected('taskId：任务「制定实施方案」没有待审批的延期申请'))
          : Promise.resolve({});
      },
    }),
  },
} as unknown as Client;
let h: Harness;

/** Unit `id` of group `groupId` with one waiting request for implementation_plan, published to the read model. */
async function publish(id: string, groupId: string, newDue: string) {
  const { ctx: base, schedule } = await townOfficeContext();
  const ctx: S.Ctx = {
    ...base,
    unit: { ...base.unit, id },
    unitName: `${id}镇机关`,
    plan: { ...base.plan, extension: { groupMaxWorkingDays: 5 } },
    features: { extensionRequests: true },
  };
  const state = S.initialState(ctx, schedule, now - 86_400_000);
  S.advance(ctx, state, now);
  S.requestExtension(
    ctx,
    state,
    { taskId: 'implementation_plan', requestedBy: `${id}-liaison`, newDue, reason: '换届' },
    now,
  );
  await status.publish({
    campaignId: 'c1',
    unitId: id,
    run: 1,
    seq: 1,
    groupId,
    unitType: 'town_office',
    phase: 'running',
    stage: 'study',
    remedialRound: 0,
    asOf: new Date(now).toISOString(),
    status: S.statusOf(ctx, state, now),
  });
}

beforeAll(async () => {
  await publish('A', 'G1', '2009-11-13');
  await publish('B', 'G2', '2009-11-20');
  h = await startHarness({ temporalClient, statusStore: status });
});
afterAll(async () => h?.close());

const list = async (caller: Caller) => {
  const r = await h.app.inject({
    method: 'GET',
    url: '/api/campaigns/c1/extension-requests',
    headers: h.headers(caller),
  });
  return {
    code: r.statusCode,
    body: r.json<{ requests: { unitId: string; decider: string; workingDays: number }[] }>(),
  };
};
const decide = (caller: Caller, body: unknown) =>
  h.app.inject({
    method: 'POST',
    url: '/api/campaigns/c1/extension-requests/decide',
    headers: h.headers(caller, { 'content-type': 'application/json' }),
    payload: JSON.stringify(body),
  });

describe('GET …/extension-requests', () => {
  it('the office sees every waiting request, a 指导组 its units’, a unit its own', async () => {
    const office = await list('office');
    expect(office.body.requests.map((r) => [r.unitId, r.decider, r.workingDays])).toEqual([
      ['A', 'supervisor_group', 3],
      ['B', 'office', 8],
    ]);
    expect((await list('ownGroup')).body.requests.map((r) => r.unitId)).toEqual(['A']);
    expect((await list('otherGroup')).body.requests.map((r) => r.unitId)).toEqual(['B']);
    expect((await list('ownUnit')).body.requests.map((r) => r.unitId)).toEqual(['A']);
    expect((await list('none')).code).toBe(401);
  });
});

describe('POST …/extension-requests/decide', () => {
  it('sends one decision to each named request as the office, and reports each outcome', async () => {
    updates.length = 0;
    const r = await decide('office', {
      items: [
        { unitId: 'A', taskId: 'implementation_plan' },
        { unitId: 'B', taskId: 'implementation_plan' },
      ],
      decision: 'approve',
      comment: '同意',
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      succeeded: 1,
      failed: 1,
      outcomes: [
        { unitId: 'A', taskId: 'implementation_plan', ok: true },
        {
          unitId: 'B',
          taskId: 'implementation_plan',
          ok: false,
          error: 'taskId：任务「制定实施方案」没有待审批的延期申请',
        },
      ],
    });
    expect(updates.map((u) => [u.workflowId, u.update, u.request])).toEqual(
      ['A', 'B'].map((id) => [
        `campaign/c1/unit/${id}`,
        'decideExtension',
        { decidedBy: 'office', decision: 'approve', comment: '同意', taskId: 'implementation_plan' },
      ]),
    );
  });

  it('is the office’s alone, and refuses an empty or malformed batch in Chinese before reaching Temporal', async () => {
    updates.length = 0;
    const item = { unitId: 'A', taskId: 'implementation_plan' };
    expect((await decide('ownGroup', { items: [item], decision: 'approve' })).statusCode).toBe(403);
    expect((await decide('ownUnit', { items: [item], decision: 'approve' })).statusCode).toBe(403);
    const empty = await decide('office', { items: [], decision: 'approve' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<{ message: string }>().message).toContain('请至少选择一项延期申请');
    const bad = await decide('office', { items: [item], decision: 'maybe', decidedBy: 'someone' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ problems: string[] }>().problems.map((p) => p.split('：')[0])).toEqual([
      'decision',
      'decidedBy',
    ]);
    expect(updates).toEqual([]);
  });

  it('a unit’s request goes to its own workflow with the person from the token', async () => {
    updates.length = 0;
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/campaigns/c1/units/A/extension-request',
      headers: h.headers('ownUnit', { 'content-type': 'application/json' }),
      payload: JSON.stringify({ taskId: 'implementation_plan', newDue: '2009-11-13', reason: '换届' }),
    });
    expect(r.statusCode).toBe(200);
    expect(updates).toEqual([
      {
        workflowId: 'campaign/c1/unit/A',
        update: 'requestExtension',
        request: {
          taskId: 'implementation_plan',
          newDue: '2009-11-13',
          reason: '换届',
          requestedBy: 'A-liaison',
        },
      },
    ]);
  });
});
