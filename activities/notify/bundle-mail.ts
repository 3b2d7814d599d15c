/**
 * The one mail a bundle sends (bundle.ts): 「学习实践活动提醒：您有 12 项通知（督办 5 项、催办 7 项）」,
 * the items grouped by unit, the most urgent unit and kind first, each item with its own subject
 * and text (greeting and signature said once for the whole mail).
 */
import { EVENT_LABELS, type EventKind } from '../../domain/routing/event-kinds.js';
import { escapeHtml } from './render.js';
import type { EmailContent } from './templates.js';

export interface MailItem {
  event: EventKind;
  /** The unit the item is about (facts.unit); items without one are grouped under 「活动办通知」. */
  unit?: string;
  email: EmailContent;
}

/** Most urgent first: escalations, then overdue reviews and today's deadlines, then the rest. */
export const URGENCY: readonly EventKind[] = [
  'bulletin',
  'supervise',
  'urge',
  'review_overdue',
  'due_today',
  'returned',
  'review_reminder',
  'reminder',
  'lookback_gaps',
  'remedial_opened',
  'submitted',
  'survey_result',
  'stage_opened',
  'kickoff',
  'approved',
  'completed',
];

const rank = (e: EventKind) => {
  const i = URGENCY.indexOf(e);
  return i < 0 ? URGENCY.length : i;
};

const NO_UNIT = '活动办通知';

/** The item's text without the per-mail greeting (「张明同志：」) and the closing office line. */
function body(text: string, office: string): string {
  const lines = text.trim().split('\n');
  if (/同志[：:]$/.test(lines[0]?.trim() ?? '')) lines.shift();
  if (lines.at(-1)?.trim() === office) lines.pop();
  return lines.join('\n').trim();
}

export function bundleMail(items: MailItem[], ctx: { recipientName: string; office: string }): EmailContent {
  const sorted = [...items].sort((a, b) => rank(a.event) - rank(b.event));
  const units = new Map<string, MailItem[]>();
  for (const it of sorted) {
    const u = it.unit ?? NO_UNIT;
    units.set(u, [...(units.get(u) ?? []), it]);
  }
  const kinds = new Map<EventKind, number>();
  for (const it of sorted) kinds.set(it.event, (kinds.get(it.event) ?? 0) + 1);
  const summary = [...kinds].map(([k, n]) => `${EVENT_LABELS[k]} ${n} 项`).join('、');
  const subject = `学习实践活动提醒：您有 ${items.length} 项通知（${summary}）`;

  const intro = `以下 ${items.length} 项通知同时发出，合并为一封邮件（涉及 ${units.size} 个单位，按紧急程度排列）：`;
  const text: string[] = [`${ctx.recipientName}同志：`, '', intro];
  const html: string[] = [`<p>${escapeHtml(ctx.recipientName)}同志：</p>`, `<p>${escapeHtml(intro)}</p>`];
  let n = 0;
  for (const [unit, list] of units) {
    text.push('', `【${unit}】`);
    html.push(`<h3>${escapeHtml(unit)}</h3>`);
    for (const it of list) {
      n += 1;
      const b = body(it.email.text, ctx.office);
      text.push(`${n}. ${it.email.subject}`, ...b.split('\n').map((l) => (l ? `   ${l}` : '')));
      html.push(
        `<p><b>${n}. ${escapeHtml(it.email.subject)}</b></p>`,
        ...b
          .split(/\n{2,}/)
          .map((para) => `<p style="margin-left:1.5em">${escapeHtml(para).replace(/\n/g, '<br>')}</p>`),
      );
    }
  }
  text.push('', ctx.office);
  html.push(`<p>${escapeHtml(ctx.office)}</p>`);
  return { subject, text: `${text.join('\n')}\n`, html: html.join('\n') };
}
