/**
 * Quiet hours as the activity applies them: the working-day calendar is the project's
 * (domain/calendar, with 法定节假日, 调休 and a plan's own overrides and office hours), the rule
 * per channel comes from the plan (routing.quietHours) when the workflow passes it, else from the
 * worker's configuration (NOTIFY_QUIET_CHANNELS and office hours).
 */
import {
  localDateOf,
  makeCalendar,
  nextWorkingDay,
  officeStart,
  type WorkCalendar,
} from '../../domain/calendar/index.js';
import { quietUntil, type QuietHoursSpec, type QuietRule } from '../../domain/routing/index.js';
import type { Channel } from './types.js';

export interface QuietPolicy {
  calendar: WorkCalendar;
  rules: Readonly<Record<Channel, QuietRule>>;
}

export interface OfficeHours {
  start: string; // HH:mm
  end: string; // HH:mm
  zone: string;
}

/** The worker's default calendar: Chinese working days with the configured office hours. */
export function configuredCalendar(hours: OfficeHours): WorkCalendar {
  return makeCalendar({ kind: 'cn', zone: hours.zone, officeHours: { start: hours.start, end: hours.end } });
}

/** Configured quiet channels wait for office hours; the others go out any time. */
export function configuredPolicy(calendar: WorkCalendar, quietChannels: readonly Channel[]): QuietPolicy {
  const rule = (c: Channel): QuietRule => (quietChannels.includes(c) ? 'office_hours' : 'any_time');
  return {
    calendar,
    rules: { email: rule('email'), sms: rule('sms'), dingtalk: rule('dingtalk'), wecom: rule('wecom') },
  };
}

// A worker serves a handful of plans; their calendars are built once (makeCalendar caches days).
const planCalendars = new Map<string, WorkCalendar>();

/** The policy a plan asks for (see domain/routing/quiet-spec.ts). */
export function planPolicy(spec: QuietHoursSpec): QuietPolicy {
  const key = JSON.stringify(spec.calendar);
  let calendar = planCalendars.get(key);
  if (!calendar) {
    if (planCalendars.size >= 64) planCalendars.clear();
    calendar = makeCalendar(spec.calendar);
    planCalendars.set(key, calendar);
  }
  return { calendar, rules: spec.rules };
}

/** undefined if a message on `channel` may go out at `at`; else when it may (the next working morning). */
export function quietUntilFor(policy: QuietPolicy, channel: Channel, at: Date): Date | undefined {
  const until = quietUntil(policy.calendar, policy.rules[channel], at.toISOString());
  return until === undefined ? undefined : new Date(until);
}

/**
 * When the daily bundle of non-urgent notifications (a plan's `routing.nonUrgent`) goes out: the
 * office opening of today if it is a working day and the opening is not past, else of the next
 * working day. Every unit's held items wake at that one instant, so the coalescing window
 * (bundle.ts) sends each person one mail for them.
 */
export function dailyBundleAt(calendar: WorkCalendar, at: Date): Date {
  const iso = at.toISOString();
  const date = localDateOf(calendar, iso);
  if (calendar.isWorkingDay(date)) {
    const opening = officeStart(calendar, date);
    if (Date.parse(opening) >= at.getTime()) return new Date(opening);
  }
  return new Date(officeStart(calendar, nextWorkingDay(calendar, date)));
}
