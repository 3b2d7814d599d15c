import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryKeyFor } from '../../../activities/notify/activities.js';
import { createHttpGatewaySms } from '../../../activities/notify/sms/http-gateway.js';
import { smsOutId } from '../../../activities/notify/sms/sms-sender.js';
import { localDateOf, nextOfficeMoment, officeStart } from '../../../domain/calendar/index.js';
import type { Plan } from '../../../domain/plan/schema.js';
import { calendarForPlan } from '../../../domain/schedule/index.js';
import type { UnitCampaignInput } from '../../../workflows/unit-campaign/messages.js';
import { startHttpReceiver, type HttpReceiver } from '../../unit/notify/support/http-receiver.js';
import {
  addressesFor,
  mailsOf,
  scheduleFor,
  sleepUntil,
  startHarness,
  waitForNotification,
  writeRelativePlan,
  type Harness,
} from './support.js';
import { startUnit, terminateAfterEach } from './units.js';

const DAY = 86_400_000;
const GROUP_MOBILES = ['13900000031', '13900000032'];
const LIAISON_MOBILE = '13900000011';

interface SmsRequest {
  mobile: string;
  content: string;
  outId: string;
}

/**
 * The gateway sees only smsOutId(delivery key), which carries no ids: whether a request belongs to a
 * notification is recomputed from the keys its recipients would have.
 */
function isFor(notificationId: string, r: SmsRequest): boolean {
  return ['liaison', 'head', 'group', 'office'].some(
    (role) => r.outId === smsOutId(deliveryKeyFor(notificationId, 'sms', role, r.mobile)),
  );
}

/** Waits (wall time) until `pred` holds for the gateway's requests; the activity may still be sending. */
async function waitForSms(
  gateway: HttpReceiver,
  pred: (r: SmsRequest[]) => boolean,
  timeoutMs = 15_000,
): Promise<SmsRequest[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = gateway.requests().map((r) => JSON.parse(r.body) as SmsRequest);
    if (pred(got)) return got;
    if (Date.now() > deadline) throw new Error(`SMS gateway got ${JSON.stringify(got)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function withMobiles(input: UnitCampaignInput): UnitCampaignInput {
  return {
    ...input,
    unit: {
      ...input.unit,
      liaison: { ...input.unit.liaison, mobile: LIAISON_MOBILE },
      group: {
        ...input.unit.group,
        members: input.unit.group.members.map((m, i) => ({ ...m, mobile: GROUP_MOBILES[i]! })),
      },
    },
  };
}

describe('unit campaign: per-plan routing and quiet hours (time-skipping)', () => {
  let h: Harness;
  let gateway: HttpReceiver;
  beforeEach(async () => {
    gateway = await startHttpReceiver(() => ({ json: { ok: true, id: 'g' } }));
    h = await startHarness({ sms: createHttpGatewaySms({ url: `${gateway.url}/send`, maxSegments: 3 }) });
  });
  afterEach(async () => {
    await h?.close();
    await gateway?.close();
  });
  const started = terminateAfterEach();

  async function start(planId: string, plan: Plan) {
    const { input, wf, handle } = await startUnit(h, planId, { edit: withMobiles });
    started.push(handle);
    return { handle, input, wf, schedule: scheduleFor(plan, input) };
  }

  it('the plan’s routing decides who gets an event and on which channel: kick-off to the liaison by email only, 督办 also by SMS to the 指导组', async () => {
    const plan = await writeRelativePlan(h.plansDir, 'town_office', 'town_routing', (doc) => {
      doc.set(
        'routing',
        doc.createNode({
          events: {
            kickoff: { to: ['liaison'], channels: ['email'] },
            stage_opened: { channels: ['email'] },
            reminder: { channels: ['email'] },
            due_today: { channels: ['email'] },
            urge: { channels: ['email'] },
            supervise: { channels: ['email', 'sms'] },
            bulletin: { channels: ['email'] },
          },
        }),
      );
    });
    const { input, wf, schedule } = await start('town_routing', plan);
    // Kick-off: the plan narrows it to the liaison, by email only (the liaison has a mobile).
    expect(await waitForNotification(h.mailbox, wf, `${wf}/kickoff`)).toEqual(
      addressesFor(input, ['liaison']),
    );

    const task = schedule.tasks.find((t) => t.taskId === 'convey_spirit')!;
    const l3 = task.escalations.find((e) => e.level === 3)!;
    expect(l3.recipients).toContain('supervisor_group');
    // An SMS fired after office closing waits for the next working morning.
    await sleepUntil(h.env, Date.parse(nextOfficeMoment(calendarForPlan(plan), l3.at)) + 3_600_000);
    const supervise = `${wf}/task/convey_spirit/v0/escalation/L3/0`;
    const sms = await waitForSms(gateway, (r) => r.filter((x) => isFor(supervise, x)).length >= 2);

    // 督办 by email too, to the level's recipients.
    expect((await waitForNotification(h.mailbox, wf, supervise)).sort()).toEqual(
      addressesFor(input, [...l3.recipients, ...l3.cc]).sort(),
    );
    // Every SMS is a 督办 to a 指导组 member: the liaison's 催办 and the kick-off stayed email-only.
    expect(sms.length).toBeGreaterThan(0);
    for (const r of sms) {
      expect(GROUP_MOBILES).toContain(r.mobile);
      expect(r.content).toContain('督办');
    }
    expect(
      sms
        .filter((x) => isFor(supervise, x))
        .map((x) => x.mobile)
        .sort(),
    ).toEqual(GROUP_MOBILES);
    expect(sms.some((r) => r.mobile === LIAISON_MOBILE)).toBe(false);
    // The liaison was urged (L1) by email.
    expect(mailsOf(h.mailbox, wf).some((m) => m.id === `${wf}/task/convey_spirit/v0/escalation/L1/0`)).toBe(
      true,
    );
  });

  it('an SMS due outside office hours is deferred by the activity and sent by the workflow’s timer the next working morning', async () => {
    const plan = await writeRelativePlan(h.plansDir, 'town_office', 'town_quiet', (doc) => {
      doc.set(
        'routing',
        doc.createNode({ events: { kickoff: { to: ['liaison'], channels: ['email', 'sms'] } } }),
      );
    });
    const cal = calendarForPlan(plan);
    // 22:00 Beijing tonight: the kick-off happens outside office hours.
    const today = localDateOf(cal, new Date(await h.env.currentTimeMs()).toISOString());
    const tonight = Date.parse(`${today}T22:00:00+08:00`);
    await sleepUntil(h.env, tonight > (await h.env.currentTimeMs()) ? tonight : tonight + DAY);
    const { handle, wf } = await start('town_quiet', plan);
    const startedAt = await h.env.currentTimeMs();
    const morning = Date.parse(nextOfficeMoment(cal, new Date(startedAt).toISOString()));
    expect(morning).toBe(Date.parse(officeStart(cal, localDateOf(cal, new Date(morning).toISOString()))));
    expect(morning - startedAt).toBeGreaterThan(10 * 3_600_000);

    // The email goes out at once; the SMS waits.
    await waitForNotification(h.mailbox, wf, `${wf}/kickoff`);
    await sleepUntil(h.env, morning - 3_600_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(gateway.requests()).toHaveLength(0);
    const desc = await handle.describe();
    expect(desc.status.name).toBe('RUNNING');

    await sleepUntil(h.env, morning + 3_600_000);
    const sms = await waitForSms(gateway, (r) => r.some((x) => isFor(`${wf}/kickoff`, x)));
    expect(sms.filter((x) => isFor(`${wf}/kickoff`, x)).map((r) => r.mobile)).toEqual([LIAISON_MOBILE]);
    // Sent in the first activity attempt the timer scheduled at office opening, not earlier.
    const history = await handle.fetchHistory();
    const sends = (history.events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverNotifications',
    );
    const at = sends.map((e) => Number(e.eventTime?.seconds ?? 0) * 1000);
    expect(at.some((t) => t >= morning && t < morning + 60_000)).toBe(true);
    // The email was not sent a second time by the morning call.
    expect(mailsOf(h.mailbox, wf).find((m) => m.id === `${wf}/kickoff`)!.to).toEqual([
      'liaison@dawei.example.cn',
    ]);
  });
});
