import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { redactUrl } from './config.js';
import type { DeliveryLog } from './log/delivery-log.js';
import { createSendOnce, interruptedReason, TransientDeliveryError, type StaleVerdict } from './send-once.js';
import { classifySmtpError, messageIdFor, type Mailer } from './mailer.js';
import type { WorkCalendar } from '../../domain/calendar/index.js';
import { QUIET_RULE_IDS } from '../../domain/routing/quiet-rules.js';
import {
  configuredCalendar,
  configuredPolicy,
  planPolicy,
  quietUntilFor,
  type OfficeHours,
} from './quiet-hours.js';
import { TemplateRenderError } from './render.js';
import type { RobotDispatcher } from './robots/digest-dispatcher.js';
import { robotId, RobotRejectedError, type RobotTarget } from './robots/robot-client.js';
import { isMainlandMobile, smsOutId, SmsRejectedError, type SmsSender } from './sms/sms-sender.js';
import type { TemplateSet } from './templates.js';
import {
  EVENT_KINDS,
  type Channel,
  type DeliverNotificationInput,
  type DeliveryReport,
  type DeliveryResult,
  type Recipient,
} from './types.js';

export interface NotifyLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

export interface NotificationSettings {
  officeName: string;
  mailFrom: string;
  replyTo?: string;
  /** Right-hand side of Message-IDs; defaults to the domain of mailFrom. */
  messageIdDomain?: string;
  /** Office hours and zone of the default calendar (used when neither deps.calendar nor the input's quietHours give one). */
  officeHours: OfficeHours;
  /** Channels held to office hours when the input carries no plan quiet-hours rules. */
  quietChannels: readonly Channel[];
  claimLeaseMs: number;
}

export interface NotificationDeps {
  templates: TemplateSet;
  deliveryLog: DeliveryLog;
  settings: NotificationSettings;
  /**
   * The project calendar (domain/calendar) for notifications without a plan's quietHours; its own
   * office hours and zone apply. Default: Chinese working days with settings.officeHours.
   */
  calendar?: WorkCalendar;
  mailer?: Mailer;
  sms?: SmsSender;
  robots?: RobotDispatcher;
  clock?: { now(): Date };
  log?: NotifyLogger;
}

const InputSchema = z.object({
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

function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Called outside an activity (tests, scripts): nothing to report to.
  }
}

interface Job {
  channel: Channel;
  recipient: Recipient;
  address: string;
  /** Why the address cannot be used, in Chinese, if it cannot. */
  invalid?: string;
  robot?: RobotTarget;
  deliveryKey: string;
}

function contactFor(
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

const CHANNEL_NAMES: Record<Channel, string> = {
  email: '邮件',
  sms: '短信',
  dingtalk: '钉钉群消息',
  wecom: '企业微信群消息',
};

export function createNotificationActivities(deps: NotificationDeps) {
  const now = () => (deps.clock ? deps.clock.now() : new Date());
  const log = deps.log ?? { info: () => undefined, warn: () => undefined };
  const s = deps.settings;
  const messageIdDomain = s.messageIdDomain ?? /@([^>\s]+)>?\s*$/.exec(s.mailFrom)?.[1] ?? 'campaign.local';
  const configured = configuredPolicy(deps.calendar ?? configuredCalendar(s.officeHours), s.quietChannels);

  const sendOnce = createSendOnce({ deliveryLog: deps.deliveryLog, leaseMs: s.claimLeaseMs, now, log });

  async function deliverOne(
    input: DeliverNotificationInput,
    job: Job,
    render: () => unknown,
  ): Promise<DeliveryResult> {
    const delivery = {
      deliveryKey: job.deliveryKey,
      notificationId: input.notificationId,
      channel: job.channel,
      event: input.event,
      role: job.recipient.role,
      recipientName: job.recipient.name,
      address: job.address,
    };
    const r = await sendOnce(delivery, {
      ...(job.invalid ? { invalid: job.invalid } : {}),
      what: CHANNEL_NAMES[job.channel],
      ...(job.channel === 'email' && deps.mailer?.slot ? { slot: deps.mailer.slot } : {}),
      settleStale: (stale) => settleStaleSms(job, stale.since),
      deferUntil: (t) => {
        let until: Date | undefined;
        if (input.notBefore && Date.parse(input.notBefore) > t.getTime()) until = new Date(input.notBefore);
        if (!input.ignoreQuietHours) {
          const policy = input.quietHours ? planPolicy(input.quietHours) : configured;
          const opening = quietUntilFor(policy, job.channel, until ?? t);
          if (opening) until = opening;
        }
        return until;
      },
      send: () => send(job, render()),
      classify: (error) => classify(job.channel, error),
    });
    return {
      deliveryKey: job.deliveryKey,
      channel: job.channel,
      role: job.recipient.role,
      name: job.recipient.name,
      outcome: r.outcome,
      ...(r.providerMessageId ? { providerMessageId: r.providerMessageId } : {}),
      ...(r.errorCode ? { errorCode: r.errorCode } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.deferUntil ? { deferUntil: r.deferUntil } : {}),
    };
  }

  /**
   * Where the SMS provider can tell whether an interrupted attempt reached it (a status query, or a
   * gateway that drops repeated idempotency keys) we ask it and act on the answer; for every other
   * channel the delivery is recorded 'uncertain' and listed for the office to check with the
   * recipient: a person can settle in a phone call what no retry can.
   */
  async function settleStaleSms(job: Job, since: Date): Promise<StaleVerdict> {
    if (job.channel !== 'sms' || !deps.sms) return { kind: 'uncertain' };
    if (deps.sms.deduplicates) return { kind: 'send' };
    if (!deps.sms.lookup) return { kind: 'uncertain' };
    let answer: Awaited<ReturnType<NonNullable<SmsSender['lookup']>>>;
    try {
      answer = await deps.sms.lookup(job.address, { outId: smsOutId(job.deliveryKey), since });
    } catch (error) {
      // The claim stays with this attempt until its lease runs out; the next one asks again.
      throw new TransientDeliveryError(
        `${job.deliveryKey}: cannot ask the SMS provider about an interrupted send: ${redactUrl(String(error))}`,
      );
    }
    if (answer.kind === 'not_found') return { kind: 'send' };
    if (answer.kind === 'sent') return { kind: 'sent', providerMessageId: answer.providerMessageId || null };
    return { kind: 'uncertain', reason: interruptedReason('短信', job.recipient.name, answer.reason) };
  }

  function classify(channel: Channel, error: unknown): { permanent: boolean; code: string; reason: string } {
    if (channel === 'email') return classifySmtpError(error);
    if (error instanceof SmsRejectedError || error instanceof RobotRejectedError)
      return { permanent: true, code: error.code, reason: error.reason };
    const message = redactUrl(error instanceof Error ? error.message : String(error));
    return { permanent: false, code: `${channel}_transient`, reason: message };
  }

  async function send(job: Job, content: unknown): Promise<string | null> {
    switch (job.channel) {
      case 'email': {
        if (!deps.mailer) throw new Error('email channel is not configured (SMTP_HOST)');
        const c = content as ReturnType<TemplateSet['email']>;
        const messageId = messageIdFor(job.deliveryKey, messageIdDomain);
        await deps.mailer.send({
          from: s.mailFrom,
          to: { name: job.recipient.name, address: job.address },
          ...(s.replyTo ? { replyTo: s.replyTo } : {}),
          subject: c.subject,
          text: c.text,
          html: c.html,
          messageId,
          headers: { 'X-Campaign-Notification': job.deliveryKey.split('#')[0] ?? '' },
        });
        return messageId;
      }
      case 'sms': {
        if (!deps.sms) throw new Error('sms channel is not configured (SMS_PROVIDER)');
        const r = await deps.sms.send(job.address, content as ReturnType<TemplateSet['sms']>, {
          outId: smsOutId(job.deliveryKey),
        });
        return r.providerMessageId || null;
      }
      case 'dingtalk':
      case 'wecom': {
        if (!deps.robots || !job.robot) throw new Error('robot channel is not configured');
        const wait = setInterval(() => heartbeat({ waiting: job.channel }), 5_000);
        try {
          await deps.robots.deliver(job.robot, content as ReturnType<TemplateSet['robot']>);
        } finally {
          clearInterval(wait);
        }
        return null;
      }
    }
  }

  return {
    /**
     * Sends one notification to every recipient on every requested channel, at most once per
     * (notification, channel, role, address) across retries. Returns per-delivery outcomes;
     * throws a retryable error if any delivery failed transiently (the retry skips those already
     * sent), and a non-retryable one for input the templates cannot render.
     */
    async deliverNotification(raw: DeliverNotificationInput): Promise<DeliveryReport> {
      const parsed = InputSchema.safeParse(raw);
      if (!parsed.success) {
        throw ApplicationFailure.nonRetryable(
          `通知参数有误：${parsed.error.issues.map((i) => `${i.path.join('.')}：${i.message}`).join('；')}`,
          'InvalidNotificationInput',
        );
      }
      const input = raw;
      const jobs: { job: Job; render: () => unknown }[] = [];
      const results: DeliveryResult[] = [];
      const renderErrors: string[] = [];
      for (const channel of [...new Set(input.channels)]) {
        for (const recipient of input.recipients) {
          const contact = contactFor(channel, recipient);
          if (!contact.address) {
            results.push({
              deliveryKey: '',
              channel,
              role: recipient.role,
              name: recipient.name,
              outcome: 'no_contact',
            });
            continue;
          }
          const job: Job = {
            channel,
            recipient,
            address: contact.address,
            ...(contact.invalid ? { invalid: contact.invalid } : {}),
            ...(contact.robot ? { robot: contact.robot } : {}),
            deliveryKey: deliveryKeyFor(input.notificationId, channel, recipient.role, contact.address),
          };
          // Render up front: a template that cannot render fails the whole call before anything is sent.
          const ctx = { recipient: { name: recipient.name, role: recipient.role }, office: s.officeName };
          try {
            const content =
              channel === 'email'
                ? deps.templates.email(input.event, input.facts, ctx)
                : channel === 'sms'
                  ? deps.templates.sms(input.event, input.facts, ctx)
                  : deps.templates.robot(input.event, input.facts, ctx);
            jobs.push({ job, render: () => content });
          } catch (e) {
            if (e instanceof TemplateRenderError)
              renderErrors.push(...e.issues.map((i) => `${channel} 模板 ${input.event}：${i}`));
            else throw e;
          }
        }
      }
      if (renderErrors.length > 0) {
        throw ApplicationFailure.nonRetryable(
          `通知无法生成：${[...new Set(renderErrors)].join('；')}`,
          'NotificationTemplateError',
        );
      }

      const settled = await Promise.allSettled(jobs.map(({ job, render }) => deliverOne(input, job, render)));
      const transient: string[] = [];
      for (const r of settled) {
        if (r.status === 'fulfilled') results.push(r.value);
        else if (r.reason instanceof TransientDeliveryError) transient.push(r.reason.message);
        else throw r.reason;
      }
      heartbeat({ done: results.length });
      if (transient.length > 0)
        throw new Error(
          `notification ${input.notificationId}: ${transient.length} deliveries will be retried: ${transient.join('; ')}`,
        );

      const deferred = results
        .filter((r) => r.deferUntil)
        .map((r) => r.deferUntil as string)
        .sort();
      return {
        notificationId: input.notificationId,
        results,
        ...(deferred[0] ? { deferUntil: deferred[0] } : {}),
      };
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
