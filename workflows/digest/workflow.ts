/**
 * The daily / weekly digest of one campaign, started each morning by the campaign's Schedule. It
 * decides from the working-day calendar what is due today, then the activities read the campaign
 * from visibility and send the emails (ids derived from campaign and date, so a retried activity
 * does not mail twice).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { DigestActivities } from '../../activities/digest/activities.js';
import { localDateOf, makeCalendar } from '../../domain/calendar/index.js';
import { digestsDue, type DigestKind } from './decide.js';
import { DEFAULT_TIME_ZONE, type CampaignDigestInput, type CampaignDigestResult } from './messages.js';

const { sendGroupDigests, sendOfficeBriefing } = proxyActivities<DigestActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumAttempts: 5 },
});

export async function campaignDigestWorkflow(input: CampaignDigestInput): Promise<CampaignDigestResult> {
  const cal = makeCalendar({ kind: input.calendarKind ?? 'cn', zone: input.timeZone ?? DEFAULT_TIME_ZONE });
  const date = localDateOf(cal, new Date(Date.now()).toISOString());
  const kinds: DigestKind[] =
    input.force && input.force.length > 0 ? [...new Set(input.force)] : digestsDue(cal, date);
  if (kinds.length === 0) return { date, sent: { daily: 0, weekly: 0 }, skipped: 'non_working_day' };
  const sent = { daily: 0, weekly: 0 };
  if (kinds.includes('daily'))
    sent.daily = await sendGroupDigests({
      campaignId: input.campaignId,
      campaignTitle: input.campaignTitle,
      date,
      groups: input.groups,
    });
  if (kinds.includes('weekly'))
    sent.weekly = await sendOfficeBriefing({
      campaignId: input.campaignId,
      campaignTitle: input.campaignTitle,
      date,
      office: input.office,
      groups: input.groups,
    });
  return { date, sent };
}
