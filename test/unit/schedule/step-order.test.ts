import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerPlanCommands } from '../../../client/commands/plan.js';
import { addWorkingDays, localDateOf, officeEnd, officeStart } from '../../../domain/calendar/index.js';
import {
  buildSchedule,
  calendarForPlan,
  scheduleStageOpenedAt,
  anchorOf,
  type ScheduledTask,
} from '../../../domain/schedule/index.js';
import { formatPreview } from '../../../domain/schedule/preview-table.js';
import {
  afterCycles,
  effectivePredecessors,
  inDependencyOrder,
} from '../../../domain/schedule/step-order.js';
import { loadFixturePlan } from './helpers.js';

const plan = loadFixturePlan('test/fixtures/plans-good/steps_order.yaml');
const cal = calendarForPlan(plan);
const withCommittee = buildSchedule(
  plan,
  { id: 'zhujing', type: 'town_office', flags: ['has_party_committee'] },
  '2009-09-01',
);
const without = buildSchedule(plan, { id: 'dawei', type: 'town_office', flags: [] }, '2009-09-01');
const task = (s: typeof without, id: string): ScheduledTask => s.tasks.find((t) => t.taskId === id)!;
/** Office closing of `n` working days after `date`, with the plan's calendar (holidays, 调休). */
const wdAfter = (date: string, n: number): string => officeEnd(cal, addWorkingDays(cal, date, n));

describe('schedule: steps in order, with their own durations', () => {
  it('a step after another opens when it is due and lasts its working days from there, across National Day', () => {
    const plan1 = task(without, 'implementation_plan');
    const mob = task(without, 'mobilisation');
    expect(plan1.dueAt).toBe('2009-09-30T17:30:00+08:00');
    expect(mob.opensAt).toBe(plan1.dueAt);
    expect(mob.dueAt).toBe(wdAfter('2009-09-30', 5));
    // 10-01..10-08 are holidays, Saturday 10-10 is worked: five working days end on Wednesday 10-14.
    expect(mob.dueAt).toBe('2009-10-14T17:30:00+08:00');
    expect(mob.after).toEqual(['implementation_plan']);
    expect(mob.duration).toBe('5wd');
  });

  it('reminders and escalations follow each step’s own due date', () => {
    const mob = task(without, 'mobilisation');
    const study = task(without, 'study');
    const at = (t: ScheduledTask, kind: string) =>
      t.reminders.filter((r) => r.kind === kind).map((r) => r.at);
    // 3 and 1 working days before 10-14: the 调休 Saturday 10-10 and Tuesday 10-13.
    expect(at(mob, 'working_days_before')).toEqual([
      officeStart(cal, addWorkingDays(cal, '2009-10-14', -3)),
      officeStart(cal, addWorkingDays(cal, '2009-10-14', -1)),
    ]);
    expect(at(mob, 'working_days_before')[0]).toBe('2009-10-10T09:00:00+08:00');
    expect(mob.escalations[0]!.at).toBe(officeStart(cal, addWorkingDays(cal, '2009-10-14', 1)));
    expect(at(study, 'working_days_before')).not.toEqual(at(mob, 'working_days_before'));
    expect(study.escalations[0]!.at).toBe(
      officeStart(cal, addWorkingDays(cal, localDateOf(cal, study.dueAt), 1)),
    );
    // Nothing before its opening: the 'opened' reminder is the next office moment after the predecessor's due.
    expect(mob.reminders[0]).toMatchObject({ kind: 'opened', at: '2009-10-09T09:00:00+08:00' });
  });

  it('a predecessor that does not apply to the unit is replaced by its own predecessors', () => {
    expect(without.tasks.map((t) => t.taskId)).not.toContain('party_committee_study');
    expect(task(without, 'study').after).toEqual(['mobilisation']);
    expect(task(without, 'study').dueAt).toBe(wdAfter('2009-10-14', 10));
    const pcs = task(withCommittee, 'party_committee_study');
    expect(pcs.dueAt).toBe(wdAfter('2009-10-14', 3));
    expect(task(withCommittee, 'study').after).toEqual(['party_committee_study']);
    expect(task(withCommittee, 'study').dueAt).toBe(wdAfter(localDateOf(cal, pcs.dueAt), 10));
    expect(task(withCommittee, 'study').dueAt).toBe('2009-11-02T17:30:00+08:00');
  });

  it('after without a duration: opens when the predecessor is due, due with its stage; steps without after keep the stage window', () => {
    const stage = without.stages.find((s) => s.stageId === 'study')!;
    expect(task(without, 'discussion').opensAt).toBe(task(without, 'study').dueAt);
    expect(task(without, 'discussion').dueAt).toBe(stage.dueAt);
    expect(task(without, 'research')).toMatchObject({ opensAt: stage.opensAt, dueAt: stage.dueAt });
    expect(task(without, 'research').after).toBeUndefined();
    // Tasks stay in plan order.
    expect(stage.taskIds).toEqual(['implementation_plan', 'mobilisation', 'study', 'discussion', 'research']);
  });

  it('a duration without after counts from the step’s opening; an after_previous stage recounts from its actual opening', () => {
    const stage = without.stages.find((s) => s.stageId === 'analysis')!;
    expect(task(without, 'opinions').dueAt).toBe(wdAfter(localDateOf(cal, stage.opensAt), 10));
    expect(task(without, 'analysis_report').dueAt).toBe(
      wdAfter(localDateOf(cal, task(without, 'opinions').dueAt), 10),
    );
    const def = plan.stages.find((s) => s.id === 'analysis')!;
    const r = scheduleStageOpenedAt(
      plan,
      { id: 'dawei', type: 'town_office', flags: [] },
      def,
      anchorOf(cal, '2009-09-01'),
      cal,
      null,
      '2009-11-05T10:00:00+08:00',
    );
    const opinions = r.tasks.find((t) => t.taskId === 'opinions')!;
    expect(opinions.dueAt).toBe(wdAfter('2009-11-05', 10));
    expect(r.tasks.find((t) => t.taskId === 'analysis_report')!.dueAt).toBe(
      wdAfter(localDateOf(cal, opinions.dueAt), 10),
    );
  });

  it('a plan without after schedules exactly as before (no after/duration fields on its tasks)', () => {
    const mini = loadFixturePlan('test/fixtures/plans-good/town_mini.yaml');
    const s = buildSchedule(mini, { id: 'x', type: 'town_office', flags: [] }, '2009-09-01');
    expect(s.tasks.every((t) => !('after' in t) && !('duration' in t))).toBe(true);
  });

  it('plan preview shows one row per step with its own dates, and what a step waits for', () => {
    const text = formatPreview(plan, without, cal, []);
    const rows = text.split('\n').filter((l) => /^\d +\S/.test(l));
    const studyRows = rows.slice(0, 5);
    expect(new Set(studyRows.map((r) => r.replace(/^\d +\S+ +/, ''))).size).toBe(5);
    expect(text).toMatch(/召开动员大会 +1完成后（计划 2009-09-30（周三） 17:30） +2009-10-14（周三） 17:30/);
    expect(text).toMatch(/开展学习 +2完成后（计划 2009-10-14（周三） 17:30） +2009-10-28（周三） 17:30/);
    expect(text).toMatch(/开展调研 +2009-09-01（周二） 09:00 +2009-11-10（周二） 17:30/);
  });
});

describe('step order helpers', () => {
  const s = (id: string, after?: string[]) => ({ id, ...(after ? { after } : {}) });
  it('orders predecessors first and otherwise keeps plan order', () => {
    expect(inDependencyOrder([s('c', ['b']), s('a'), s('b', ['a'])]).map((x) => x.id)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(inDependencyOrder([s('x'), s('y')]).map((x) => x.id)).toEqual(['x', 'y']);
  });
  it('finds cycles and refuses to order them', () => {
    expect(afterCycles([s('a', ['b']), s('b', ['a']), s('c')])).toEqual([['a', 'b', 'a']]);
    expect(() => inDependencyOrder([s('a', ['b']), s('b', ['a'])])).toThrow(/after 形成循环/);
  });
  it('skips predecessors that do not apply, transitively', () => {
    const steps = [s('a'), s('b', ['a']), s('c', ['b'])];
    expect(effectivePredecessors(steps, (x) => x.id !== 'b').get('c')).toEqual(['a']);
    expect(effectivePredecessors(steps, (x) => x.id === 'c').get('c')).toBeUndefined();
  });
});

describe('campaign plan preview of a plan with steps in order', () => {
  it('prints a row of its own per step', async () => {
    let out = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((x) => ((out += String(x)), true));
    try {
      const program = new Command('campaign').exitOverride();
      registerPlanCommands(program);
      await program.parseAsync([
        'node',
        'campaign',
        'plan',
        'preview',
        'test/fixtures/plans-good/steps_order.yaml',
        '--unit-type',
        '镇机关',
        '--start',
        '2009-09-01',
      ]);
    } finally {
      o.mockRestore();
    }
    expect(Number(process.exitCode ?? 0)).toBe(0);
    process.exitCode = 0;
    const rows = out
      .split('\n')
      .filter((l) => /^[1-6] +\S/.test(l))
      .slice(0, 5);
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.replace(/^\d +\S+ +/, ''))).size).toBe(5);
    expect(out).toMatch(/召开动员大会 +1完成后（计划 2009-09-30（周三） 17:30） +2009-10-14（周三） 17:30/);
  });
});
