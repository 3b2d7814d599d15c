/**
 * One Temporal Schedule per campaign runs the digest workflow every morning (in the plan's time zone); the
 * workflow itself skips non-working days and sends the weekly 简报 on the week's first working
 * day, so holidays and 调休 follow the calendar rather than a cron expression.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { RosterUnit } from '../domain/roster/types.js';
import {
  CAMPAIGN_DIGEST_WORKFLOW_TYPE,
  DEFAULT_TIME_ZONE,
  type CampaignDigestInput,
  type DigestGroup,
} from '../workflows/digest/messages.js';
import { digestRunWorkflowId, digestScheduleId } from '../workflows/ids.js';
import type { Office } from './people.js';

export interface DigestScheduleOptions {
  campaignId: string;
  campaignTitle: string;
  taskQueue: string;
  office: Office;
  units: readonly RosterUnit[];
  /** HH:mm in the plan's time zone; default 08:30. */
  at?: string;
  calendarKind?: CampaignDigestInput['calendarKind'];
  /** The plan's time zone: the schedule fires at `at` there, and the digest's day is that zone's. */
  timeZone?: string;
}

function digestGroupsOf(units: readonly RosterUnit[]): DigestGroup[] {
  const byId = new Map<string, DigestGroup>();
  for (const u of units) {
    if (byId.has(u.group.id)) continue;
    byId.set(u.group.id, {
      id: u.group.id,
      name: u.group.name,
      members: u.group.members.filter((m) => m.email).map((m) => ({ name: m.name, email: m.email! })),
    });
  }
  return [...byId.values()];
}

function digestInput(o: DigestScheduleOptions): CampaignDigestInput {
  return {
    campaignId: o.campaignId,
    campaignTitle: o.campaignTitle,
    office: o.office.members.filter((m) => m.email).map((m) => ({ name: m.name, email: m.email! })),
    groups: digestGroupsOf(o.units),
    ...(o.calendarKind ? { calendarKind: o.calendarKind } : {}),
    ...(o.timeZone ? { timeZone: o.timeZone } : {}),
  };
}

/** Creates the campaign's schedule, or replaces its action and time when it exists. */
export async function upsertDigestSchedule(
  client: Client,
  o: DigestScheduleOptions,
): Promise<{ scheduleId: string; created: boolean }> {
  const [hh, mm] = (o.at ?? '08:30').split(':').map(Number);
  if (
    hh === undefined ||
    mm === undefined ||
    !Number.isInteger(hh) ||
    !Number.isInteger(mm) ||
    hh > 23 ||
    mm > 59
  )
    throw new Error(`--at：「${o.at}」不是时间（如 08:30）`);
  const scheduleId = digestScheduleId(o.campaignId);
  const spec = { calendars: [{ hour: hh, minute: mm }], timezone: o.timeZone ?? DEFAULT_TIME_ZONE };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: CAMPAIGN_DIGEST_WORKFLOW_TYPE,
    workflowId: digestRunWorkflowId(o.campaignId),
    taskQueue: o.taskQueue,
    args: [digestInput(o)],
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: 'SKIP', catchupWindow: '6 hours' },
    });
    return { scheduleId, created: true };
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
    await client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action }));
    return { scheduleId, created: false };
  }
}

/** Runs the campaign's digest once now (the workflow still decides by the calendar what is due); false when it has no schedule. */
export async function triggerDigestNow(client: Client, campaignId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(digestScheduleId(campaignId)).trigger();
    return true;
  } catch (e) {
    if (e instanceof ScheduleNotFoundError) return false;
    throw e;
  }
}
