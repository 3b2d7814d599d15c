import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { redactUrl } from './config.js';
import type { DeliveryLog } from './log/delivery-log.js';
import {
  createPrepare,
  createSendOnce,
  interruptedReason,
  TransientDeliveryError,
  type SendPlan,
  type StaleVerdict,
} from './send-once.js';
import { classifySmtpError, messageIdFor, type Mailer } from './mailer.js';
import type { WorkCalendar } from '../../domain/calendar/index.js';
import {
  configuredCalendar,
  configuredPolicy,
  planPolicy,
  dailyBundleAt,
  quietUntilFor,
  type OfficeHours,
} from './quiet-hours.js';
import { TemplateRenderError } from './render.js';
import type { RobotDispatcher } from './robots/digest-dispatcher.js';
import { RobotRejectedError } from './robots/robot-client.js';
import { smsOutId, SmsRejectedError, type SmsSender } from './sms/sms-sender.js';
import type { EmailContent, TemplateSet } from './templates.js';
import { createBundler, type BundleItem } from './bundle.js';
import { bundleMail, type MailItem } from './bundle-mail.js';
import { CHANNEL_NAMES, contactFor, deliveryKeyFor, InputSchema, type Job } from './input.js';
import type { Channel, DeliverNotificationInput, DeliveryReport, DeliveryResult } from './types.js';

export { deliveryKeyFor };

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
  /**
   * Emails due for one address within this many milliseconds go out as one mail listing them all
   * (bundle.ts; NOTIFY_BUNDLE_WINDOW_MS). 0 or absent: every notification is its own mail.
   */
  bundleWindowMs?: number;
  /** At most this many mails carrying escalation repeats per address and rolling week; 0 or absent: no cap. */
  escalationRepeatsPerWeek?: number;
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

function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Called outside an activity (tests, scripts): nothing to report to.
  }
}

export function createNotificationActivities(deps: NotificationDeps) {
  const now = () => (deps.clock ? deps.clock.now() : new Date());
  const log = deps.log ?? { info: () => undefined, warn: () => undefined };
  const s = deps.settings;
  const messageIdDomain = s.messageIdDomain ?? /@([^>\s]+)>?\s*$/.exec(s.mailFrom)?.[1] ?? 'campaign.local';
  const configured = configuredPolicy(deps.calendar ?? configuredCalendar(s.officeHours), s.quietChannels);

  const sendOnceDeps = { deliveryLog: deps.deliveryLog, leaseMs: s.claimLeaseMs, now, log };
  const sendOnce = createSendOnce(sendOnceDeps);
  const mailBundler =
    s.bundleWindowMs && s.bundleWindowMs > 0
      ? createBundler<MailItem>({
          prepare: createPrepare(sendOnceDeps),
          windowMs: s.bundleWindowMs,
          ...(deps.mailer?.slot ? { slot: deps.mailer.slot } : {}),
          send: (items) => sendMail(items),
          ...(s.escalationRepeatsPerWeek ? { repeatsPerWeek: s.escalationRepeatsPerWeek } : {}),
          countRepeatMessages: (q) => deps.deliveryLog.countRepeatMessages(q),
          now,
        })
      : undefined;

  /** One mail for a bundle: one item is sent exactly as it would be alone; more are listed in one. */
  async function sendMail(items: BundleItem<MailItem>[]): Promise<string | null> {
    if (!deps.mailer) throw new Error('email channel is not configured (SMTP_HOST)');
    const first = items[0]!;
    const keys = items.map((i) => i.delivery.deliveryKey).sort();
    const content =
      items.length === 1
        ? first.content.email
        : bundleMail(
            items.map((i) => i.content),
            { recipientName: first.delivery.recipientName, office: s.officeName },
          );
    const messageId = messageIdFor(
      items.length === 1 ? keys[0]! : `bundle:${keys.join('|')}`,
      messageIdDomain,
    );
    await deps.mailer.send({
      from: s.mailFrom,
      to: { name: first.delivery.recipientName, address: first.delivery.address },
      ...(s.replyTo ? { replyTo: s.replyTo } : {}),
      subject: content.subject,
      text: content.text,
      html: content.html,
      messageId,
      headers: {
        'X-Campaign-Notification': [...new Set(items.map((i) => i.delivery.notificationId))].join(', '),
      },
    });
    return messageId;
  }

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
    const plan: SendPlan = {
      ...(job.invalid ? { invalid: job.invalid } : {}),
      what: CHANNEL_NAMES[job.channel],
      ...(job.channel === 'email' && deps.mailer?.slot ? { slot: deps.mailer.slot } : {}),
      settleStale: (stale) => settleStaleSms(job, stale.since),
      deferUntil: (t, record) => {
        let until: Date | undefined;
        if (input.notBefore && Date.parse(input.notBefore) > t.getTime()) until = new Date(input.notBefore);
        if (!input.ignoreQuietHours) {
          const policy = input.quietHours ? planPolicy(input.quietHours) : configured;
          const opening = quietUntilFor(policy, job.channel, until ?? t);
          if (opening) until = opening;
          // Non-urgent kinds wait for the daily bundle, unless this call is that bundle's (the
          // delivery was held until an instant that has come).
          const held = record.deferUntil !== null && Date.parse(record.deferUntil) <= t.getTime();
          if (input.quietHours?.nonUrgent?.includes(input.event) && !held)
            until = dailyBundleAt(policy.calendar, until ?? t);
        }
        return until;
      },
      send: () => send(job, render()),
      classify: (error) => classify(job.channel, error),
    };
    const r =
      job.channel === 'email' && mailBundler
        ? await mailBundler.submit({
            delivery,
            plan,
            content: { event: input.event, ...unitOf(input), email: render() as EmailContent },
          })
        : await sendOnce(delivery, plan);
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

  function unitOf(input: DeliverNotificationInput): { unit?: string } {
    const unit = input.facts['unit'];
    return typeof unit === 'string' && unit !== '' ? { unit } : {};
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
