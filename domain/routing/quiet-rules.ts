/** The per-channel quiet-hours rules a plan may choose (routing.quietHours). */
import type { Channel } from '../plan/schema.js';

const QUIET_RULES = {
  /** Only on working days within office hours (the default for SMS and group robots). */
  office_hours: '仅工作日上班时间发送',
  /** Any time of a working day; held over holidays and weekends. */
  working_days: '仅工作日发送（全天）',
  any_time: '随时发送',
} as const;
export type QuietRule = keyof typeof QUIET_RULES;
export const QUIET_RULE_IDS = Object.keys(QUIET_RULES) as QuietRule[];

/** What a plan without a routing section does, and what issue 5 asks for: email any time, the rest in office hours. */
export const DEFAULT_QUIET_HOURS: Readonly<Record<Channel, QuietRule>> = {
  email: 'any_time',
  sms: 'office_hours',
  dingtalk: 'office_hours',
  wecom: 'office_hours',
};
