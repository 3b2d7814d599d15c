import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../domain/plan/schema.js';
import {
  reviewDeliverableUpdate,
  statusQuery,
  submitDeliverableUpdate,
} from '../../../workflows/unit-campaign/messages.js';
import {
  PEOPLE,
  mailsOf,
  scheduleFor,
  sleepUntil,
  startHarness,
  waitForNotification,
  writeRelativePlan,
  type Harness,
} from './support.js';
import { startUnit, submission } from './units.js';

/** Real milliseconds one plan day lasts in the compressed plan. */
const PLAN_DAY = 10_000;

describe('unit campaign: a timeScale plan computes run-time deadlines in plan time (time-skipping)', () => {
  let h: Harness;
  let plan: Plan;
  beforeAll(async () => {
    h = await startHarness();
    plan = await writeRelativePlan(h.plansDir, 'town_office', 'town_fast', (doc) => {
      doc.set('timeScale', doc.createNode({ dayLasts: '10s' }));
    });
  });
  afterAll(async () => h?.close());

  it('a late return gives 5 plan working days (seconds, not days); its reminder and escalation follow in the compressed window', async () => {
    expect(plan.timeScale?.dayLasts).toBe('10s');
    const { input, wf, handle } = await startUnit(h, 'town_fast');
    const schedule = scheduleFor(plan, input);
    expect(schedule.timeScale).not.toBeNull();
    const planned = schedule.tasks.find((t) => t.taskId === 'implementation_plan')!;

    // Submitted half a plan day before its deadline, returned two plan days after it.
    await sleepUntil(h.env, Date.parse(planned.dueAt) - PLAN_DAY / 2);
    await handle.executeUpdate(submitDeliverableUpdate, {
      args: [submission('implementation_plan', '实施方案')],
    });
    await sleepUntil(h.env, Date.parse(planned.dueAt) + 2 * PLAN_DAY);
    const returnedAt = await h.env.currentTimeMs();
    const ack = await handle.executeUpdate(reviewDeliverableUpdate, {
      args: [
        {
          taskId: 'implementation_plan',
          reviewedBy: PEOPLE.reviewer,
          decision: 'return',
          reasons: ['实践载体不够具体'],
        },
      ],
    });
    expect(ack.status).toBe('returned');
    const due = Date.parse(ack.dueAt!);
    // 5 plan working days (more across a holiday) at 10 s a day; real time would be 5+ days.
    expect(due - returnedAt).toBeGreaterThan(4 * PLAN_DAY);
    expect(due - returnedAt).toBeLessThan(15 * PLAN_DAY);
    const status = await handle.query(statusQuery);
    expect(status.tasks.find((t) => t.taskId === 'implementation_plan')).toMatchObject({
      status: 'returned',
      dueAt: ack.dueAt,
      returns: 1,
    });
    await waitForNotification(h.mailbox, wf, `${wf}/task/implementation_plan/returned/1`);

    // A reminder of the new deadline (revision 1) arrives before it, within seconds of server time.
    const reminderPrefix = `${wf}/task/implementation_plan/v1/reminder/`;
    expect(mailsOf(h.mailbox, wf).some((m) => m.id.startsWith(reminderPrefix))).toBe(false);
    await sleepUntil(h.env, due - 1000);
    const reminder = await waitForMail(h, wf, reminderPrefix);
    expect(await waitForNotification(h.mailbox, wf, reminder)).toEqual(['liaison@dawei.example.cn']);
    expect(
      mailsOf(h.mailbox, wf).some((m) => m.id.startsWith(`${wf}/task/implementation_plan/v1/escalation/`)),
    ).toBe(false);

    // Unanswered, the first escalation level comes one plan working day after it: within 12 plan
    // days even when the deadline falls just before the longest holiday (8 days off with its weekend).
    await sleepUntil(h.env, due + 12 * PLAN_DAY);
    await waitForNotification(h.mailbox, wf, `${wf}/task/implementation_plan/v1/escalation/L1/0`);
    const after = await handle.query(statusQuery);
    expect(after.tasks.find((t) => t.taskId === 'implementation_plan')).toMatchObject({
      status: 'returned',
      overdue: true,
    });
    await handle.terminate('test done');
  });
});

/** The id of the first mail of workflow `wf` whose notification id starts with `prefix`. */
async function waitForMail(h: Harness, wf: string, prefix: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = mailsOf(h.mailbox, wf).find((x) => x.id.startsWith(prefix));
    if (m) return m.id;
    if (Date.now() > deadline)
      throw new Error(
        `no mail starting with ${prefix}; got ${mailsOf(h.mailbox, wf)
          .map((x) => x.id)
          .join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
