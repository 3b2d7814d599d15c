/** Input of the per-campaign digest workflow, started by the campaign's Temporal Schedule. */
export interface DigestRecipient {
  name: string;
  email: string;
}

export interface DigestGroup {
  id: string;
  name: string;
  members: DigestRecipient[];
}

/** The zone of digests whose input names none (schedules made before the plan's zone was passed on). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export interface CampaignDigestInput {
  campaignId: string;
  campaignTitle: string;
  /** Receives the weekly 简报 with the Excel report attached. */
  office: DigestRecipient[];
  /** Each 指导组 receives the daily list of its units' overdue items. */
  groups: DigestGroup[];
  /** Calendar the office works by (default `cn`: 法定节假日 and 调休). */
  calendarKind?: 'cn' | 'weekdays' | 'continuous';
  /** The plan's time zone: what "today" and the working days are in (default Asia/Shanghai, as inputs without it were). */
  timeZone?: string;
  /** Send these regardless of the calendar (an office asking for a digest now, tests). */
  force?: ('daily' | 'weekly')[];
}

export interface CampaignDigestResult {
  date: string;
  sent: { daily: number; weekly: number };
  skipped?: 'non_working_day';
}

export const CAMPAIGN_DIGEST_WORKFLOW_TYPE = 'campaignDigestWorkflow';
