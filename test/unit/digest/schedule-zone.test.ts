import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { upsertDigestSchedule } from '../../../app/digest-schedule.js';
import type { CampaignDigestInput } from '../../../workflows/digest/messages.js';

// What the schedule is created with; nothing reaches a server.
function capturingClient() {
  const created: { spec: { timezone: string }; action: { args: [CampaignDigestInput] } }[] = [];
  const client = {
    schedule: { create: (o: (typeof created)[number]) => (created.push(o), Promise.resolve()) },
  } as unknown as Client;
  return { client, created };
}

const base = {
  campaignId: 'c1',
  campaignTitle: '活动',
  taskQueue: 'q',
  office: { name: '活动办', members: [] },
  units: [],
};

describe('the digest schedule keeps the plan’s time zone', () => {
  it('fires at the hour of the plan’s zone and hands the zone to the digest workflow', async () => {
    const { client, created } = capturingClient();
    await upsertDigestSchedule(client, { ...base, at: '08:30', timeZone: 'Asia/Urumqi' });
    expect(created[0]?.spec.timezone).toBe('Asia/Urumqi');
    expect(created[0]?.action.args[0].timeZone).toBe('Asia/Urumqi');
  });

  it('stays on Asia/Shanghai when no zone is given', async () => {
    const { client, created } = capturingClient();
    await upsertDigestSchedule(client, base);
    expect(created[0]?.spec.timezone).toBe('Asia/Shanghai');
    expect(created[0]?.action.args[0]).not.toHaveProperty('timeZone');
  });
});
