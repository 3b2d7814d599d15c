import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../domain/plan/schema.js';
import type { Schedule } from '../../../domain/schedule/index.js';
import {
  campaignIdPrefix,
  digestRunWorkflowId,
  digestScheduleId,
  notificationIds,
  parseNotificationId,
  unitWorkflowId,
} from '../../../workflows/ids.js';
import * as S from '../../../workflows/unit-campaign/state.js';
import { townOfficeContext } from './support.js';

const u = { campaignId: 'c1', unitId: 'u7' };

describe('ids: one module builds and parses every id', () => {
  // The texts are idempotency keys of running workflows: a changed format would send again what was sent.
  it('builds each id in the format running workflows and delivery logs already hold', () => {
    expect(unitWorkflowId('c1', 'u7')).toBe('campaign/c1/unit/u7');
    expect(digestScheduleId('c1')).toBe('campaign/c1/digest');
    expect(digestRunWorkflowId('c1')).toBe('campaign/c1/digest-run');
    expect(notificationIds.kickoff(u)).toBe('campaign/c1/unit/u7/kickoff');
    expect(notificationIds.stageOpened(u, 'study')).toBe('campaign/c1/unit/u7/stage/study/opened');
    expect(notificationIds.reminder(u, 'plan', 2, 0)).toBe('campaign/c1/unit/u7/task/plan/v2/reminder/0');
    expect(notificationIds.escalation(u, 'plan', 0, 4, 3)).toBe(
      'campaign/c1/unit/u7/task/plan/v0/escalation/L4/3',
    );
    expect(notificationIds.approved(u, 'plan', 2)).toBe('campaign/c1/unit/u7/task/plan/approved/2');
    expect(notificationIds.returned(u, 'plan', 1)).toBe('campaign/c1/unit/u7/task/plan/returned/1');
    expect(notificationIds.surveyResult(u, 3)).toBe('campaign/c1/unit/u7/survey/3/result');
    expect(notificationIds.remedialOpened(u, 1)).toBe('campaign/c1/unit/u7/remedial/1/opened');
    expect(notificationIds.lookBackGaps(u)).toBe('campaign/c1/unit/u7/look_back/gaps');
    expect(notificationIds.completed(u)).toBe('campaign/c1/unit/u7/completed');
    expect(notificationIds.groupDigest('c1', '2009-11-10', 'g1')).toBe(
      'campaign/c1/digest/daily/2009-11-10/group/g1',
    );
    expect(notificationIds.officeBriefing('c1', '2009-11-13')).toBe('campaign/c1/digest/weekly/2009-11-13');
  });

  it('parses back the campaign and unit of every id it builds, and the campaign alone of a digest', () => {
    for (const id of [
      notificationIds.kickoff(u),
      notificationIds.escalation(u, 'plan', 0, 1, 0),
      notificationIds.completed(u),
      unitWorkflowId('c1', 'u7'),
    ]) {
      expect(parseNotificationId(id), id).toEqual({ campaignId: 'c1', unitId: 'u7' });
    }
    expect(parseNotificationId(notificationIds.groupDigest('c1', '2009-11-10', 'g1'))).toEqual({
      campaignId: 'c1',
    });
    expect(parseNotificationId(digestScheduleId('c1'))).toEqual({ campaignId: 'c1' });
    expect(parseNotificationId('campaign/c1/unit/')).toEqual({ campaignId: 'c1' });
    expect(parseNotificationId('campaign//unit/u7')).toEqual({});
    expect(parseNotificationId('other/c1/unit/u7')).toEqual({});
  });

  it("a campaign's prefix matches its own ids only", () => {
    expect(notificationIds.kickoff(u).startsWith(campaignIdPrefix('c1'))).toBe(true);
    expect(
      notificationIds.kickoff({ campaignId: 'c10', unitId: 'u7' }).startsWith(campaignIdPrefix('c1')),
    ).toBe(false);
  });
});

describe('carried state: an explicit version and one upgrade step per version', () => {
  let plan: Plan;
  let ctx: S.Ctx;
  let schedule: Schedule;
  beforeAll(async () => {
    ({ ctx, schedule } = await townOfficeContext());
    plan = ctx.plan;
  });
  const fresh = () => S.initialState(ctx, schedule, Date.parse('2009-08-31T10:00:00+08:00'));

  it('a new state is at the current version and passes the upgrade unchanged', () => {
    const state = fresh();
    expect(state.version).toBe(S.STATE_VERSION);
    const before = JSON.stringify(state);
    expect(JSON.stringify(S.upgradeCarried({ plan, state: JSON.parse(before) as unknown }).state)).toBe(
      before,
    );
  });

  it('a version 1 state from before per-plan routing gets its outbox routed as that run would have', () => {
    const old = JSON.parse(JSON.stringify(fresh())) as Record<string, unknown> & {
      outbox: Record<string, unknown>[];
    };
    old.version = 1;
    const routed = { ...old.outbox[0]! };
    const bare = old.outbox[0]!;
    delete bare.cc;
    delete bare.channels;
    delete bare.ignoreQuietHours;
    bare.id = 'campaign/c1/unit/dawei/stage/study/opened';
    old.outbox.push(routed);
    const { state } = S.upgradeCarried({ plan, state: old });
    expect(state.version).toBe(S.STATE_VERSION);
    expect(state.outbox[0]).toMatchObject({
      id: 'campaign/c1/unit/dawei/stage/study/opened',
      cc: [],
      channels: [...plan.channels],
      ignoreQuietHours: false,
    });
    // An item a later version 1 run routed keeps its route.
    expect(state.outbox[1]).toEqual(routed);
  });

  it('refuses a version it does not know (a newer run on an older worker) instead of guessing', () => {
    const state = { ...fresh(), version: S.STATE_VERSION + 1 };
    expect(() => S.upgradeCarried({ plan, state })).toThrow(/carried state version 3/);
    expect(() => S.upgradeCarried({ plan, state: { ...fresh(), version: undefined } })).toThrow(
      /carried state version undefined/,
    );
  });
});
