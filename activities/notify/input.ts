/**
 * What deliverNotification accepts and how it turns a recipient into a delivery: the input's
 * schema, the address per channel (checked, robots hashed), the delivery key.
 */
import { z } from 'zod';
import { redactUrl } from './config.js';
import { QUIET_RULE_IDS } from '../../domain/routing/quiet-rules.js';
import { robotId, type RobotTarget } from './robots/robot-client.js';
import { isMainlandMobile } from './sms/sms-sender.js';
import { EVENT_KINDS, type Channel, type Recipient } from './types.js';

export const InputSchema = z.object({
  notificationId: z.string().min(1).max(400),
  event: z.enum(EVENT_KINDS),
  facts: z.record(z.string(), z.unknown()),
  recipients: z.array(
    z.object({
      role: z.string().min(1),
      name: z.string().min(1),
      email: z.string().optional(),
      mobile: z.string().optional(),
      dingtalkWebhook: z.string().optional(),
      wecomWebhook: z.string().optional(),
    }),
  ),
  channels: z.array(z.enum(['email', 'sms', 'dingtalk', 'wecom'])),
  notBefore: z.iso.datetime({ offset: true }).optional(),
  ignoreQuietHours: z.boolean().optional(),
  quietHours: z
    .object({
      calendar: z.object({
        kind: z.enum(['cn', 'weekdays', 'continuous']),
        zone: z.string().refine(isValidZone, { error: '未知的时区' }),
        officeHours: z.object({
          start: z.string().regex(/^\d\d:\d\d$/),
          end: z.string().regex(/^\d\d:\d\d$/),
        }),
        overrides: z.array(
          z.object({ date: z.iso.date(), working: z.boolean(), note: z.string().optional() }),
        ),
      }),
      rules: z.object({
        email: z.enum(QUIET_RULE_IDS),
        sms: z.enum(QUIET_RULE_IDS),
        dingtalk: z.enum(QUIET_RULE_IDS),
        wecom: z.enum(QUIET_RULE_IDS),
      }),
      nonUrgent: z.array(z.enum(EVENT_KINDS)).optional(),
    })
    .optional(),
});

function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const emailAddress = z.email();

export interface Job {
  channel: Channel;
  recipient: Recipient;
  address: string;
  /** Why the address cannot be used, in Chinese, if it cannot. */
  invalid?: string;
  robot?: RobotTarget;
  deliveryKey: string;
}

export function contactFor(
  channel: Channel,
  r: Recipient,
): { address?: string; invalid?: string; robot?: RobotTarget } {
  switch (channel) {
    case 'email':
      if (!r.email) return {};
      return emailAddress.safeParse(r.email).success
        ? { address: r.email }
        : { address: r.email, invalid: `邮箱地址格式不正确：${r.email}` };
    case 'sms':
      if (!r.mobile) return {};
      return isMainlandMobile(r.mobile)
        ? { address: r.mobile }
        : { address: r.mobile, invalid: `手机号码不是有效的大陆手机号：${r.mobile}` };
    case 'dingtalk':
    case 'wecom': {
      const webhook = channel === 'dingtalk' ? r.dingtalkWebhook : r.wecomWebhook;
      if (!webhook) return {};
      const robot: RobotTarget = { kind: channel, webhook };
      let ok = false;
      try {
        ok = ['http:', 'https:'].includes(new URL(webhook).protocol);
      } catch {
        ok = false;
      }
      // The log keeps a hash, never the token-bearing URL.
      return ok
        ? { address: robotId(robot), robot }
        : { address: robotId(robot), invalid: `机器人 Webhook 地址不正确：${redactUrl(webhook)}` };
    }
  }
}

/** Used by the workflow and the office report alike, so it is exported. */
export function deliveryKeyFor(
  notificationId: string,
  channel: Channel,
  role: string,
  address: string,
): string {
  return `${notificationId}#${channel}#${role}#${address}`;
}

export const CHANNEL_NAMES: Record<Channel, string> = {
  email: '邮件',
  sms: '短信',
  dingtalk: '钉钉群消息',
  wecom: '企业微信群消息',
};
