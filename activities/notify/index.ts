export { createNotificationActivities, deliveryKeyFor } from './activities.js';
export type { NotificationActivities, NotificationDeps, NotificationSettings, NotifyLogger } from './activities.js';
export {
  createNotificationActivitiesFromConfig,
  notificationDepsFromConfig,
  openDeliveryLog,
  smsSenderFromConfig,
} from './from-config.js';
export { loadNotifyConfig, redactNotifyConfig, NotifyConfigError, type NotifyConfig } from './config.js';
export { loadTemplates, TemplateLoadError, type TemplateSet } from './templates.js';
export { configuredCalendar, quietUntilFor, type QuietPolicy, type OfficeHours } from './quiet-hours.js';
export { openSqliteDeliveryLog } from './log/sqlite-delivery-log.js';
export { openPostgresDeliveryLog } from './log/postgres-delivery-log.js';
export type { DeliveryLog, DeliveryRecord } from './log/delivery-log.js';
export { createSmtpMailer, messageIdFor, type Mailer } from './mailer.js';
export { createDigestDispatcher, type RobotDispatcher } from './robots/digest-dispatcher.js';
export { createRobotClient } from './robots/robot-client.js';
export * from './types.js';
