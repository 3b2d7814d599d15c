// What the worker and its test stand-ins take from the notification activities; the rest is imported from its own module.
export { createNotificationActivities } from './activities.js';
export type {
  NotificationActivities,
  NotificationDeps,
  NotificationSettings,
  NotifyLogger,
} from './activities.js';
export { notificationDepsFromConfig } from './from-config.js';
export { loadNotifyConfig, type NotifyConfig } from './config.js';
export type { DeliveryLog, DeliveryRecord } from './log/delivery-log.js';
export * from './types.js';
