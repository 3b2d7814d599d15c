/**
 * Digest activities: read the campaign (visibility plus a status query for units that have
 * something overdue), render the digest templates and send them, one email per recipient. The
 * weekly 简报 carries the Excel report as an attachment, which the per-event notification path does
 * not do, so these compose their own mail; but every email goes through the same delivery log and
 * once-only protocol (activities/notify/send-once.ts): a retried or re-run digest sends only what
 * has not gone out, and a send interrupted after the server accepted it is left for the office to
 * check rather than sent twice.
 */
import type { Client } from '@temporalio/client';
import type { StatusStore } from '../status/status-store.js';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import type { AwaitingReviewItem } from '../../app/awaiting-review.js';
import { formatLateness, type OverdueItem } from '../../app/overdue.js';
import { briefingOf } from '../../app/report/briefing.js';
import { DOCX_TYPE, briefingDocx } from '../../app/report/briefing-docx.js';
import { beijing, stageTitle } from '../../app/report/labels.js';
import { reportBuffer } from '../../app/report/xlsx.js';
import type { DigestGroup, DigestRecipient } from '../../workflows/digest/messages.js';
import { notificationIds } from '../../workflows/ids.js';
import { deliveryKeyFor } from '../notify/activities.js';
import type { DeliveryLog } from '../notify/log/delivery-log.js';
import { classifySmtpError, messageIdFor } from '../notify/mailer.js';
import { TemplateRenderError } from '../notify/render.js';
import {
  createSendOnce,
  TransientDeliveryError,
  type SendOnceLogger,
  type SendOnceResult,
} from '../notify/send-once.js';
import { temporalDigestReader, type DigestReader } from './reader.js';
import { DEFAULT_DIGEST_TEMPLATES, loadDigestTemplate } from './templates.js';

export type { DigestGroup };

export type DigestDeps = {
  transport: Transporter;
  from: string;
  officeName: string;
  templatesDir?: string;
  /** The notifications' delivery log: digests are deliveries like any other. */
  deliveryLog: DeliveryLog;
  /** Default 120 s, as NOTIFY_CLAIM_LEASE_SECONDS. */
  claimLeaseMs?: number;
  /** Right-hand side of Message-IDs; defaults to the domain of `from`. */
  messageIdDomain?: string;
  clock?: { now(): Date };
  log?: SendOnceLogger;
} & (
  | { temporalClient: Client; status: StatusStore; reader?: DigestReader }
  | { temporalClient?: undefined; status?: undefined; reader: DigestReader }
);

export interface GroupDigestInput {
  campaignId: string;
  campaignTitle: string;
  date: string;
  groups: DigestGroup[];
}

export interface OfficeBriefingInput {
  campaignId: string;
  campaignTitle: string;
  date: string;
  office: DigestRecipient[];
  groups: DigestGroup[];
}

const DIGEST_EVENTS = { daily: 'group_daily_digest', weekly: 'office_weekly_briefing' } as const;
const ROLES = { daily: 'group_member', weekly: 'office' } as const;

function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // Outside an activity (unit tests).
  }
}

const emailAddress = z.email();

export function groupDigestFacts(
  campaignTitle: string,
  group: DigestGroup,
  date: string,
  items: OverdueItem[],
  reviews: readonly AwaitingReviewItem[] = [],
) {
  return {
    reviewCount: reviews.length,
    reviews: reviews.map((r) => ({
      unit: r.unitName,
      task: r.title,
      submitted: r.submittedAt ? beijing(r.submittedAt) : '',
      wait: r.text,
      limit: r.reviewDueAt ? beijing(r.reviewDueAt) : '',
    })),
    campaign: campaignTitle,
    group: group.name,
    date,
    count: items.length,
    units: new Set(items.map((i) => i.unitId)).size,
    items: items.map((i) => ({
      unit: i.unitName,
      task: i.title,
      deadline: beijing(i.dueAt),
      late: formatLateness(i.hoursLate),
      level: i.escalationLevel,
      label: i.escalationLabel ?? '',
    })),
  };
}

interface Mail {
  notificationId: string;
  event: string;
  role: string;
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

function renderOrFail<T>(what: string, render: () => T): T {
  try {
    return render();
  } catch (e) {
    // A template that cannot render will not render on a retry either: fail before anything is sent.
    if (e instanceof TemplateRenderError)
      throw ApplicationFailure.nonRetryable(
        `${what}无法生成：${e.issues.join('；')}`,
        'NotificationTemplateError',
      );
    throw e;
  }
}

export function createDigestActivities(deps: DigestDeps) {
  const dir = deps.templatesDir ?? DEFAULT_DIGEST_TEMPLATES;
  const daily = loadDigestTemplate(dir, 'group_daily');
  const weekly = loadDigestTemplate(dir, 'office_weekly');
  const reader =
    deps.reader ??
    temporalDigestReader({ client: deps.temporalClient as Client, status: deps.status as StatusStore });
  const now = () => (deps.clock ? deps.clock.now() : new Date());
  const messageIdDomain = deps.messageIdDomain ?? /@([^>\s]+)>?\s*$/.exec(deps.from)?.[1] ?? 'campaign.local';
  const sendOnce = createSendOnce({
    deliveryLog: deps.deliveryLog,
    leaseMs: deps.claimLeaseMs ?? 120_000,
    now,
    ...(deps.log ? { log: deps.log } : {}),
  });

  async function deliver(mail: Mail, to: DigestRecipient): Promise<SendOnceResult> {
    const deliveryKey = deliveryKeyFor(mail.notificationId, 'email', mail.role, to.email);
    const valid = emailAddress.safeParse(to.email).success;
    return sendOnce(
      {
        deliveryKey,
        notificationId: mail.notificationId,
        channel: 'email',
        event: mail.event,
        role: mail.role,
        recipientName: to.name,
        address: to.email,
      },
      {
        ...(valid ? {} : { invalid: `邮箱地址格式不正确：${to.email}` }),
        what: `「${mail.subject}」邮件`,
        send: async () => {
          const messageId = messageIdFor(deliveryKey, messageIdDomain);
          await deps.transport.sendMail({
            from: deps.from,
            to: { name: to.name, address: to.email },
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            messageId,
            headers: { 'X-Campaign-Notification': mail.notificationId },
            textEncoding: 'base64',
            ...(mail.attachments ? { attachments: mail.attachments } : {}),
          });
          return messageId;
        },
        classify: classifySmtpError,
      },
    );
  }

  /**
   * Sends every mail to every recipient, each at most once across retries and re-runs. Returns
   * how many went out in this call; throws a retryable error if any delivery has to be tried again.
   */
  async function deliverAll(label: string, batch: { mail: Mail; to: DigestRecipient[] }[]): Promise<number> {
    let sent = 0;
    const transient: string[] = [];
    for (const { mail, to } of batch) {
      for (const r of to) {
        try {
          const result = await deliver(mail, r);
          if (result.outcome === 'sent') sent += 1;
        } catch (e) {
          if (!(e instanceof TransientDeliveryError)) throw e;
          transient.push(e.message);
        }
        heartbeat();
      }
    }
    if (transient.length > 0)
      throw new Error(`${label}: ${transient.length} deliveries will be retried: ${transient.join('; ')}`);
    return sent;
  }

  return {
    /** One email per member of every 指导组 that has overdue items or submissions waiting for its review today. Returns emails sent by this call. */
    async sendGroupDigests(input: GroupDigestInput): Promise<number> {
      const items = await reader.overdue(input.campaignId);
      heartbeat();
      const reviews = await reader.awaitingReview(input.campaignId);
      heartbeat();
      const batch: { mail: Mail; to: DigestRecipient[] }[] = [];
      for (const g of input.groups) {
        const mine = items.filter((i) => i.group === g.id);
        const waiting = reviews.filter((r) => r.group === g.id);
        const to = g.members.filter((m) => m.email);
        if ((mine.length === 0 && waiting.length === 0) || to.length === 0) continue;
        const content = renderOrFail(`${g.name}每日逾期清单`, () =>
          daily.render(groupDigestFacts(input.campaignTitle, g, input.date, mine, waiting), deps.officeName),
        );
        batch.push({
          mail: {
            notificationId: notificationIds.groupDigest(input.campaignId, input.date, g.id),
            event: DIGEST_EVENTS.daily,
            role: ROLES.daily,
            ...content,
          },
          to,
        });
      }
      return deliverAll(`daily digest ${input.campaignId} ${input.date}`, batch);
    },

    /** The weekly 简报 to each office member, as Word document and with the Excel report attached. Returns emails sent by this call. */
    async sendOfficeBriefing(input: OfficeBriefingInput): Promise<number> {
      const to = input.office.filter((m) => m.email);
      if (to.length === 0) return 0;
      const notificationId = notificationIds.officeBriefing(input.campaignId, input.date);
      // A re-run of a 简报 everyone already has (or that the office has to settle by hand) reads nothing.
      const records = await Promise.all(
        to.map((m) => deps.deliveryLog.get(deliveryKeyFor(notificationId, 'email', ROLES.weekly, m.email))),
      );
      if (records.every((r) => r && ['sent', 'failed', 'uncertain'].includes(r.status))) return 0;

      const groupIds = input.groups.map((g) => g.id);
      const overview = await reader.overview(input.campaignId, groupIds);
      heartbeat();
      const data = await reader.report(input.campaignId);
      heartbeat();
      const byGroup = new Map<string, number>();
      // The report lists every item ever overdue; the 简报's counts are of what is overdue now.
      const open = data.overdue.filter((o) => o.state === '仍逾期');
      for (const o of open) byGroup.set(o.group, (byGroup.get(o.group) ?? 0) + 1);
      const names = new Map(input.groups.map((g) => [g.id, g.name]));
      const attachment = `${input.campaignId}-进度报表-${input.date}.xlsx`;
      const briefing = briefingOf(data, {
        campaignTitle: input.campaignTitle,
        officeName: deps.officeName,
        date: input.date,
      });
      const briefingFile = `${input.campaignId}-简报第${briefing.issue}期-${input.date}.docx`;
      const content = renderOrFail('工作简报', () =>
        weekly.render(
          {
            campaign: input.campaignTitle,
            date: input.date,
            total: overview.total,
            running: overview.running,
            overdueUnits: overview.overdueUnits,
            overdueItems: open.length,
            stages: overview.byStage.map((b) => ({
              name: data.stageTitles[b.value] ?? stageTitle(b.value),
              count: b.count,
            })),
            groups: [...byGroup]
              .sort((a, b) => b[1] - a[1])
              .map(([id, count]) => ({ name: names.get(id) ?? id, count })),
            remedial: overview.byRemedialRound.reduce((s, b) => s + b.count, 0),
            attachment,
            briefing: briefingFile,
          },
          deps.officeName,
        ),
      );
      const mail: Mail = {
        notificationId,
        event: DIGEST_EVENTS.weekly,
        role: ROLES.weekly,
        ...content,
        attachments: [
          { filename: briefingFile, content: await briefingDocx(briefing), contentType: DOCX_TYPE },
          {
            filename: attachment,
            content: await reportBuffer(data),
            contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          },
        ],
      };
      return deliverAll(`weekly briefing ${input.campaignId} ${input.date}`, [{ mail, to }]);
    },
  };
}

export type DigestActivities = ReturnType<typeof createDigestActivities>;
