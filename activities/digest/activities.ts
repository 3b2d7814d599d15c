/**
 * Digest activities: read the campaign from visibility (plus a status query for units that have
 * something overdue), render the digest templates and send them. The weekly 简报 carries the Excel
 * report as an attachment, which the per-event notification path does not do, so these send over
 * the SMTP transport directly. Message-IDs derive from campaign, recipient group and date.
 */
import type { Client } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import { formatLateness, overdueItems, type OverdueItem } from '../../client/commands/campaign/overdue.js';
import { campaignOverview } from '../../client/commands/campaign/visibility.js';
import { collectReport } from '../../client/report/collect.js';
import { beijing, reportBuffer, stageTitle } from '../../client/report/xlsx.js';
import type { DigestGroup, DigestRecipient } from '../../workflows/digest/messages.js';
import { DEFAULT_DIGEST_TEMPLATES, loadDigestTemplate } from './templates.js';

export type { DigestGroup };

export interface DigestDeps {
  temporalClient: Client;
  transport: Transporter;
  from: string;
  officeName: string;
  templatesDir?: string;
}

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

function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // Outside an activity (unit tests).
  }
}

const domainOf = (from: string) => /@([^>\s]+)/.exec(from)?.[1] ?? 'campaign.local';
const safeId = (s: string) => s.replace(/[^A-Za-z0-9.-]/g, '_');

export function groupDigestFacts(campaignTitle: string, group: DigestGroup, date: string, items: OverdueItem[]) {
  return {
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

export function createDigestActivities(deps: DigestDeps) {
  const dir = deps.templatesDir ?? DEFAULT_DIGEST_TEMPLATES;
  const daily = loadDigestTemplate(dir, 'group_daily');
  const weekly = loadDigestTemplate(dir, 'office_weekly');
  const client = deps.temporalClient;

  return {
    /** One email per 指导组 that has overdue items today, to all its members with an email. Returns emails sent. */
    async sendGroupDigests(input: GroupDigestInput): Promise<number> {
      const { items } = await overdueItems(client, { campaignId: input.campaignId });
      heartbeat();
      const groups = input.groups;
      let sent = 0;
      for (const g of groups) {
        const mine = items.filter((i) => i.group === g.id);
        const to = g.members.filter((m) => m.email);
        if (mine.length === 0 || to.length === 0) continue;
        const mail = daily.render(groupDigestFacts(input.campaignTitle, g, input.date, mine), deps.officeName);
        await deps.transport.sendMail({
          from: deps.from,
          to: to.map((m) => ({ name: m.name, address: m.email })),
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: `<digest.${safeId(input.campaignId)}.${safeId(g.id)}.${input.date}@${domainOf(deps.from)}>`,
          textEncoding: 'base64',
        });
        sent += 1;
        heartbeat();
      }
      return sent;
    },

    /** The weekly 简报 to the office with the Excel report attached. Returns emails sent (0 or 1). */
    async sendOfficeBriefing(input: OfficeBriefingInput): Promise<number> {
      const to = input.office.filter((m) => m.email);
      if (to.length === 0) return 0;
      const groupIds = input.groups.map((g) => g.id);
      const overview = await campaignOverview(client, { campaignId: input.campaignId }, groupIds.length > 0 ? { groups: groupIds } : {});
      heartbeat();
      const data = await collectReport(client, { campaignId: input.campaignId });
      heartbeat();
      const byGroup = new Map<string, number>();
      for (const o of data.overdue) byGroup.set(o.group, (byGroup.get(o.group) ?? 0) + 1);
      const names = new Map(input.groups.map((g) => [g.id, g.name]));
      const attachment = `${input.campaignId}-进度报表-${input.date}.xlsx`;
      const mail = weekly.render(
        {
          campaign: input.campaignTitle,
          date: input.date,
          total: overview.total,
          running: overview.running,
          overdueUnits: overview.overdueUnits,
          overdueItems: data.overdue.length,
          stages: overview.byStage.map((b) => ({ name: stageTitle(b.value, data.units.find((u) => u.status?.stage === b.value)?.status), count: b.count })),
          groups: [...byGroup].sort((a, b) => b[1] - a[1]).map(([id, count]) => ({ name: names.get(id) ?? id, count })),
          remedial: overview.byRemedialRound.reduce((s, b) => s + b.count, 0),
          attachment,
        },
        deps.officeName,
      );
      await deps.transport.sendMail({
        from: deps.from,
        to: to.map((m) => ({ name: m.name, address: m.email })),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: `<briefing.${safeId(input.campaignId)}.${input.date}@${domainOf(deps.from)}>`,
        textEncoding: 'base64',
        attachments: [{ filename: attachment, content: await reportBuffer(data), contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }],
      });
      return 1;
    },
  };
}

export type DigestActivities = ReturnType<typeof createDigestActivities>;
