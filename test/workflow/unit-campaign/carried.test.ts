import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../domain/plan/schema.js';
import { buildSchedule, calendarForPlan } from '../../../domain/schedule/index.js';
import { notificationIds, unitWorkflowId } from '../../../workflows/ids.js';
import { statusQuery } from '../../../workflows/unit-campaign/messages.js';
import * as S from '../../../workflows/unit-campaign/state.js';
import { unitCampaignWorkflow } from '../../../workflows/unit-campaign/workflow.js';
import { uniqueName } from '../../support/unique.js';
import {
  addressesFor,
  campaignInput,
  startHarness,
  waitForNotification,
  writeRelativePlan,
  type Harness,
} from './support.js';

describe('a run continued from a state older code carried (time-skipping)', () => {
  let h: Harness;
  let plan: Plan;
  beforeAll(async () => {
    h = await startHarness();
    plan = await writeRelativePlan(h.plansDir, 'town_office', 'town_carried');
  });
  afterAll(async () => h?.close());

  it('loads a version 1 state whose outbox items carry only `to`, and delivers them as that run would have', async () => {
    const campaignId = uniqueName('c');
    const input = await campaignInput(h, 'town_carried', campaignId);
    const unit = { id: input.unit.id, type: input.unit.type, flags: input.unit.flags };
    const cal = calendarForPlan(plan);
    const ctx: S.Ctx = {
      plan,
      cal,
      timeScale: null,
      unit,
      start: input.start,
      campaignId,
      campaignTitle: input.campaignTitle,
      unitName: input.unit.name,
      groupName: input.unit.group.name,
    };
    // The state a run of the older code handed on: version 1, the kick-off still queued without cc or channels.
    const state = JSON.parse(
      JSON.stringify(
        S.initialState(ctx, buildSchedule(plan, unit, input.start, cal), await h.env.currentTimeMs()),
      ),
    ) as Record<string, unknown> & { outbox: Record<string, unknown>[] };
    state.version = 1;
    for (const o of state.outbox) {
      delete o.cc;
      delete o.channels;
      delete o.ignoreQuietHours;
    }
    const wf = unitWorkflowId(campaignId, 'dawei');
    const handle = await h.env.client.workflow.start(unitCampaignWorkflow, {
      taskQueue: h.taskQueue,
      workflowId: wf,
      args: [{ ...input, carried: { plan, state } }],
    });
    try {
      const kickoff = notificationIds.kickoff({ campaignId, unitId: 'dawei' });
      const to = state.outbox[0]!.to as string[];
      expect((await waitForNotification(h.mailbox, wf, kickoff)).sort()).toEqual(
        addressesFor(input, to).sort(),
      );
      const status = await handle.query(statusQuery);
      expect(status.run).toBe(2);
      expect(status.timeline.map((e) => e.kind)).toEqual(['kickoff']);
    } finally {
      await handle.terminate('test done');
    }
  });
});
