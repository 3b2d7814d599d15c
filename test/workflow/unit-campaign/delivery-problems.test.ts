import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import type { Plan } from '../../../domain/plan/schema.js';
import { statusQuery, type UnitCampaignStatus } from '../../../workflows/unit-campaign/messages.js';
import {
  mailsOf,
  scheduleFor,
  sleepUntil,
  startHarness,
  writeRelativePlan,
  type Harness,
} from './support.js';
import { startUnit } from './units.js';

const BAD_EMAIL = 'liaison-at-dawei.example.cn';
const BAD_MOBILE = '1234';

/** Polls the status query (wall time) until `pred` holds; the first drain runs as the workflow starts. */
async function waitForStatus(
  query: () => Promise<UnitCampaignStatus>,
  pred: (s: UnitCampaignStatus) => boolean,
  timeoutMs = 20_000,
): Promise<UnitCampaignStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await query().catch(() => undefined);
    if (s && pred(s)) return s;
    if (Date.now() > deadline)
      throw new Error(`status never matched; timeline: ${JSON.stringify(s?.timeline ?? [])}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('unit campaign: deliveries that fail are noted on the unit’s timeline (time-skipping)', () => {
  let h: Harness;
  let plan: Plan;
  beforeAll(async () => {
    h = await startHarness();
    plan = await writeRelativePlan(h.plansDir, 'town_office', 'town_problems');
  });
  afterAll(async () => h?.close());

  it('a liaison with a malformed email and mobile: the office reads why, once per fault, while the head still gets the mail', async () => {
    const { input, wf, handle } = await startUnit(h, 'town_problems', {
      edit: (base) => ({
        ...base,
        unit: { ...base.unit, liaison: { ...base.unit.liaison, email: BAD_EMAIL, mobile: BAD_MOBILE } },
      }),
    });
    const query = () => handle.query(statusQuery);

    const emailNote = `邮件未送达：联络员 ${input.unit.liaison.name} — 邮箱地址格式不正确：${BAD_EMAIL}`;
    const smsNote = `短信未送达：联络员 ${input.unit.liaison.name} — 手机号码不是有效的大陆手机号：${BAD_MOBILE}`;
    const first = await waitForStatus(
      query,
      (s) => s.timeline.some((e) => e.text === smsNote) && s.timeline.some((e) => e.text === emailNote),
    );
    expect(
      first.timeline
        .filter((e) => e.kind === 'notify_failed')
        .map((e) => e.text)
        .sort(),
    ).toEqual([emailNote, smsNote].sort());
    // The rest of the kick-off went out: the head's mail arrived, the liaison's malformed address got nothing.
    const kickoff = mailsOf(h.mailbox, wf).find((m) => m.id.endsWith('/kickoff'));
    expect(kickoff?.to).toContain(input.unit.head.email);
    expect(kickoff?.to).not.toContain(BAD_EMAIL);

    // The first stage opens and its reminders go to the liaison as well: the same faults again, still one note each.
    const schedule = scheduleFor(plan, input);
    const firstDue = schedule.stages[0]!.dueAt;
    await sleepUntil(h.env, Date.parse(schedule.stages[0]!.opensAt) + 3_600_000);
    const later = await waitForStatus(query, (s) => s.timeline.some((e) => e.kind === 'stage_opened'));
    expect(Date.parse(firstDue)).toBeGreaterThan(Date.parse(later.timeline.at(-1)!.at));
    // The delivery log holds every failed delivery (the office's list); the timeline one line per fault.
    const log = openSqliteDeliveryLog(path.join(h.plansDir, 'delivery.sqlite'));
    const failed = await log.problems({ notificationIdPrefix: `${wf}/` }).finally(() => log.close());
    expect(new Set(failed.map((r) => r.notificationId)).size).toBeGreaterThan(1);
    expect(failed.every((r) => r.status === 'failed' && r.role === 'liaison')).toBe(true);
    expect(later.timeline.filter((e) => e.text === emailNote)).toHaveLength(1);
    expect(later.timeline.filter((e) => e.text === smsNote)).toHaveLength(1);
    await handle.terminate('test done');
  });
});
