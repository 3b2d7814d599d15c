/**
 * Deliveries the office must act on (a permanent failure, or one nobody can vouch for after a
 * worker died mid-send), phrased for the unit's timeline. Pure: the workflow imports it, and the
 * command line and API reuse the labels so the office reads the same words everywhere.
 */
import type { DeliveryReport, DeliveryResult } from '../../activities/notify/types.js';
import { CHANNEL_LABELS, type Channel } from '../../domain/roster/types.js';
import { EVENT_LABELS, type EventKind } from '../../domain/routing/event-kinds.js';

/** Keys are the recipient roles of domain/routing/recipients.ts (part of delivery keys, never shown). */
export const RECIPIENT_ROLE_LABELS: Record<string, string> = {
  liaison: '联络员',
  head: '第一责任人',
  group: '指导组成员',
  group_robot: '指导组工作群',
  office: '活动办',
  paired: '结对共建单位',
  district_leader: '区主要负责同志',
};

export type ProblemOutcome = 'failed' | 'uncertain';

export const PROBLEM_LABELS: Record<ProblemOutcome, string> = { failed: '发送失败', uncertain: '结果未知' };

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel as Channel] ?? channel;
}

/** 「联络员 张明」; a role the labels do not know shows the name alone. */
export function recipientLabel(role: string, name: string): string {
  const label = RECIPIENT_ROLE_LABELS[role];
  return label && label !== name ? `${label} ${name}` : name;
}

// Provider messages can be long; the timeline travels in workflow history and every status query.
const REASON_LIMIT = 120;

function clipReason(reason: string): string {
  const one = reason.replace(/\s+/g, ' ').trim();
  return one.length > REASON_LIMIT ? `${one.slice(0, REASON_LIMIT)}…` : one;
}

export interface ProblemNote {
  kind: 'notify_failed' | 'notify_uncertain';
  text: string;
}

/**
 * One note per problem delivery. A failure reads the same for every notification (a malformed
 * number fails every reminder alike), so its text leaves the event out and the timeline can keep
 * one copy; an uncertain delivery names the event, since the office checks that one message.
 */
export function problemNote(event: EventKind, d: DeliveryResult): ProblemNote | undefined {
  const who = recipientLabel(d.role, d.name);
  const ch = channelLabel(d.channel);
  if (d.outcome === 'failed')
    return { kind: 'notify_failed', text: `${ch}未送达：${who} — ${clipReason(d.reason ?? '服务商拒收')}` };
  if (d.outcome === 'uncertain') {
    const reason = clipReason(d.reason ?? '发送过程中断').replace(/。$/, '');
    // The activity's own reason already asks the office to check with the person.
    return {
      kind: 'notify_uncertain',
      text: `${ch}发送结果未知（${EVENT_LABELS[event]}）：${who} — ${reason.includes('核实') ? reason : `${reason}，请核实`}`,
    };
  }
  return undefined;
}

export function problemNotes(event: EventKind, report: DeliveryReport): ProblemNote[] {
  const out: ProblemNote[] = [];
  for (const d of report.results) {
    const n = problemNote(event, d);
    if (n && !out.some((x) => x.text === n.text)) out.push(n);
  }
  return out;
}

/** Whether anyone was reached: a notification whose every delivery failed was not sent. */
export function reachedAnyone(report: DeliveryReport): boolean {
  return report.results.some((d) => d.outcome === 'sent' || d.outcome === 'already_sent');
}
