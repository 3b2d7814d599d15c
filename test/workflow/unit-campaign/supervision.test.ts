import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Plan } from '../../../domain/plan/schema.js';
import { recordSupervisionUpdate, statusQuery } from '../../../workflows/unit-campaign/messages.js';
import { PEOPLE, scheduleFor, sleepUntil, startHarness, writeRelativePlan, type Harness } from './support.js';
import { startUnit } from './units.js';

// 督导记录 (the operation `supervise`): the 指导组 or the office writes what it did with the unit
// into the unit's 大事记, which the status, the console and the unit archive show.
describe('unit campaign: 督导记录 (time-skipping)', () => {
  let h: Harness;
  let plan: Plan;
  beforeAll(async () => {
    h = await startHarness();
    plan = await writeRelativePlan(h.plansDir, 'town_office', 'town_sup');
  });
  afterAll(async () => h?.close());

  it('keeps the 指导组’s and the office’s records in the 大事记, and refuses others and empty ones', async () => {
    const { input, handle } = await startUnit(h, 'town_sup');
    const schedule = scheduleFor(plan, input);
    await sleepUntil(h.env, Date.parse(schedule.stages[0]!.opensAt) + 3_600_000);

    const ack = await handle.executeUpdate(recordSupervisionUpdate, {
      args: [{ by: PEOPLE.reviewer, summary: '  到单位督导检查，列席专题民主生活会  ' }],
    });
    expect(ack.taskId).toBeUndefined();
    await handle.executeUpdate(recordSupervisionUpdate, {
      args: [{ by: PEOPLE.office, summary: '听取单位党委书记汇报' }],
    });

    const refusal = async (req: unknown) => {
      const e = await handle
        .executeUpdate(recordSupervisionUpdate, { args: [req as { by: string; summary: string }] })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
      return (e as WorkflowUpdateFailedError).cause?.message ?? '';
    };
    expect(await refusal({ by: PEOPLE.liaison, summary: '自己记一笔' })).toMatch(
      /^by：「liaison-dawei」不是.+无权进行此操作/,
    );
    expect(await refusal({ by: PEOPLE.reviewer, summary: '   ' })).toBe('summary：请填写督导情况');
    expect(await refusal({ by: PEOPLE.reviewer, summary: ['督导'] })).toBe('summary：应为文字');

    const status = await handle.query(statusQuery);
    const records = status.timeline.filter((e) => e.kind === 'supervision').map((e) => e.text);
    expect(records).toEqual([
      '指导组督导记录：到单位督导检查，列席专题民主生活会',
      '活动办督导记录：听取单位党委书记汇报',
    ]);
    // Nothing else about the unit moved: no task, no notification queued by a record.
    expect(status.tasks.map((t) => t.taskId)).toEqual(schedule.tasks.map((t) => t.taskId));
    await handle.terminate('test done');
  });
});
