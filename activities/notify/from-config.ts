import { resolve } from 'node:path';
import type { WorkCalendar } from '../../domain/calendar/index.js';
import type { NotificationDeps, NotifyLogger } from './activities.js';
import { redactNotifyConfig, type NotifyConfig } from './config.js';
import type { DeliveryLog } from './log/delivery-log.js';
import { openPostgresDeliveryLog } from './log/postgres-delivery-log.js';
import type { RobotWindowStore } from './log/robot-window.js';
import { openPostgresRobotWindow } from './log/robot-window-postgres.js';
import { openSqliteRobotWindow } from './log/robot-window-sqlite.js';
import { openSqliteDeliveryLog } from './log/sqlite-delivery-log.js';
import { createSmtpMailer, smtpOptionsFromConfig } from './mailer.js';
import { createDigestDispatcher } from './robots/digest-dispatcher.js';
import { createRobotClient } from './robots/robot-client.js';
import { createAliyunSms } from './sms/aliyun.js';
import { createHttpGatewaySms } from './sms/http-gateway.js';
import type { SmsSender } from './sms/sms-sender.js';
import { createTencentSms } from './sms/tencent.js';
import { loadTemplates } from './templates.js';

export async function openDeliveryLog(config: NotifyConfig): Promise<DeliveryLog> {
  return config.DATABASE_URL
    ? openPostgresDeliveryLog(config.DATABASE_URL)
    : openSqliteDeliveryLog(resolve(config.NOTIFY_SQLITE_PATH));
}

/** The robots' rate window, in the same database as the delivery log so every worker shares it. */
async function openRobotWindow(config: NotifyConfig): Promise<RobotWindowStore> {
  return config.DATABASE_URL
    ? openPostgresRobotWindow(config.DATABASE_URL)
    : openSqliteRobotWindow(resolve(config.NOTIFY_SQLITE_PATH));
}

export function smsSenderFromConfig(c: NotifyConfig): SmsSender | undefined {
  switch (c.SMS_PROVIDER) {
    case 'none':
      return undefined;
    case 'aliyun':
      return createAliyunSms({
        endpoint: c.ALIYUN_SMS_ENDPOINT,
        regionId: c.ALIYUN_SMS_REGION,
        accessKeyId: c.ALIYUN_SMS_ACCESS_KEY_ID ?? '',
        accessKeySecret: c.ALIYUN_SMS_ACCESS_KEY_SECRET ?? '',
        signName: c.ALIYUN_SMS_SIGN_NAME ?? '',
        maxParamChars: c.SMS_MAX_PARAM_CHARS,
      });
    case 'tencent':
      return createTencentSms({
        endpoint: c.TENCENT_SMS_ENDPOINT,
        region: c.TENCENT_SMS_REGION,
        secretId: c.TENCENT_SMS_SECRET_ID ?? '',
        secretKey: c.TENCENT_SMS_SECRET_KEY ?? '',
        sdkAppId: c.TENCENT_SMS_SDK_APP_ID ?? '',
        signName: c.TENCENT_SMS_SIGN_NAME ?? '',
        maxParamChars: c.SMS_MAX_PARAM_CHARS,
      });
    case 'http':
      return createHttpGatewaySms({
        url: c.SMS_HTTP_URL ?? '',
        maxSegments: c.SMS_MAX_SEGMENTS,
        deduplicates: c.SMS_HTTP_DEDUPLICATES,
        ...(c.SMS_HTTP_TOKEN ? { token: c.SMS_HTTP_TOKEN } : {}),
      });
  }
}

/**
 * Everything a worker needs, built once at start-up from validated configuration. The calendar
 * defaults to the project's Chinese working-day calendar with the configured office hours; a
 * notification that carries its plan's quietHours uses the plan's calendar instead.
 */
export async function notificationDepsFromConfig(
  config: NotifyConfig,
  options: { log?: NotifyLogger; calendar?: WorkCalendar } = {},
): Promise<{ deps: NotificationDeps; close(): Promise<void> }> {
  options.log?.info('notify: configuration', redactNotifyConfig(config));
  const deliveryLog = await openDeliveryLog(config);
  const mailer = config.SMTP_HOST ? createSmtpMailer(smtpOptionsFromConfig(config)) : undefined;
  const sms = smsSenderFromConfig(config);
  const robotWindow = await openRobotWindow(config);
  const robots = createDigestDispatcher({
    client: createRobotClient({ dingtalkSecrets: config.DINGTALK_ROBOT_SECRETS }),
    limit: config.ROBOT_RATE_LIMIT,
    windowMs: config.ROBOT_RATE_WINDOW_SECONDS * 1000,
    lingerMs: config.ROBOT_BATCH_LINGER_MS,
    maxBytes: config.ROBOT_MAX_MESSAGE_BYTES,
    window: robotWindow,
  });
  const deps: NotificationDeps = {
    templates: loadTemplates(resolve(config.NOTIFY_TEMPLATES_DIR)),
    deliveryLog,
    ...(options.calendar ? { calendar: options.calendar } : {}),
    settings: {
      officeName: config.NOTIFY_OFFICE_NAME,
      mailFrom: config.NOTIFY_MAIL_FROM,
      ...(config.NOTIFY_MAIL_REPLY_TO ? { replyTo: config.NOTIFY_MAIL_REPLY_TO } : {}),
      officeHours: {
        start: config.NOTIFY_OFFICE_HOURS_START,
        end: config.NOTIFY_OFFICE_HOURS_END,
        zone: config.NOTIFY_TIMEZONE,
      },
      quietChannels: config.NOTIFY_QUIET_CHANNELS,
      claimLeaseMs: config.NOTIFY_CLAIM_LEASE_SECONDS * 1000,
      bundleWindowMs: config.NOTIFY_BUNDLE_WINDOW_MS,
      escalationRepeatsPerWeek: config.NOTIFY_ESCALATION_REPEATS_PER_WEEK,
    },
    ...(mailer ? { mailer } : {}),
    ...(sms ? { sms } : {}),
    robots,
    ...(options.log ? { log: options.log } : {}),
  };
  return {
    deps,
    async close() {
      robots.close();
      mailer?.close();
      await robotWindow.close();
      await deliveryLog.close();
    },
  };
}
