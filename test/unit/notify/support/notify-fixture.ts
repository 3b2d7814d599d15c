import { resolve } from 'node:path';
import { makeCalendar, type WorkCalendar } from '../../../../domain/calendar/index.js';
import {
  createNotificationActivities,
  type NotificationDeps,
} from '../../../../activities/notify/activities.js';
import { openSqliteDeliveryLog } from '../../../../activities/notify/log/sqlite-delivery-log.js';
import { loadTemplates } from '../../../../activities/notify/templates.js';

export const TEMPLATES_DIR = resolve(import.meta.dirname, '../../../../templates/notify');

/** Weekends off, plus any dates listed: enough to test deferral without a holiday table. */
export function weekdayCalendar(holidays: string[] = []): WorkCalendar {
  return makeCalendar({
    kind: 'weekdays',
    zone: 'Asia/Shanghai',
    officeHours: { start: '08:30', end: '18:00' },
    overrides: holidays.map((date) => ({ date, working: false })),
  });
}

export class TestClock {
  constructor(public current: Date) {}
  now = () => this.current;
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Wednesday 2009-12-09 10:00 in Beijing: inside office hours. */
export const OFFICE_TIME = new Date('2009-12-09T02:00:00Z');

/** Pass `clock` to share one clock between the activities and a provider stand-in or client. */
export function buildActivities(
  overrides: Partial<Omit<NotificationDeps, 'clock'>> & { clock?: TestClock } = {},
) {
  const deliveryLog = overrides.deliveryLog ?? openSqliteDeliveryLog(':memory:');
  const clock = overrides.clock ?? new TestClock(OFFICE_TIME);
  const activities = createNotificationActivities({
    templates: loadTemplates(TEMPLATES_DIR),
    deliveryLog,
    calendar: weekdayCalendar(),
    settings: {
      officeName: '区学习实践活动办公室',
      mailFrom: '区学习实践活动办公室 <office@xuexi.example.gov.cn>',
      replyTo: '活动办 <reply@xuexi.example.gov.cn>',
      officeHours: { start: '08:30', end: '18:00', zone: 'Asia/Shanghai' },
      quietChannels: ['sms', 'dingtalk', 'wecom'],
      claimLeaseMs: 120_000,
    },
    ...overrides,
    clock,
  });
  return { activities, deliveryLog, clock };
}
