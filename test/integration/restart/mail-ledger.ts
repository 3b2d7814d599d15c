/**
 * What the loopback SMTP server received, per (notification, address), with the arrival time, and
 * the accounting against a worker's delivery log: sent once, none lost, none duplicated, and an
 * 'uncertain' delivery (a kill while the mail was being handed to the server: the log cannot know
 * whether the server took it, and email cannot be asked) received at most once and never resent.
 */
import Database from 'better-sqlite3';
import type { ParsedMail } from 'mailparser';
import type { Mailbox } from '../../../toolchain/mailbox.js';

export interface Arrival {
  notificationId: string;
  address: string;
  at: number;
}

export interface MailLedger {
  /** Arrivals per `${notificationId} ${address}`. */
  arrivals(): Map<string, Arrival[]>;
}

export function mailLedger(mailbox: Mailbox): MailLedger {
  const byKey = new Map<string, Arrival[]>();
  mailbox.onMessage((m: ParsedMail) => {
    const header = m.headers.get('x-campaign-notification');
    // A mail bundling several notifications for one person lists every id (activities/notify/bundle.ts).
    const ids = typeof header === 'string' ? header.split(',').map((id) => id.trim()) : [''];
    const to = (Array.isArray(m.to) ? m.to : [m.to])
      .flatMap((a) => a?.value ?? [])
      .map((v) => (v.address ?? '').toLowerCase());
    for (const notificationId of ids)
      for (const address of to) {
        const key = `${notificationId} ${address}`;
        byKey.set(key, [...(byKey.get(key) ?? []), { notificationId, address, at: Date.now() }]);
      }
  });
  return { arrivals: () => byKey };
}

export interface DeliveryRow {
  notification_id: string;
  address: string;
  status: string;
}

/** Every delivery of one campaign in a worker's SQLite delivery log (read beside the live worker: WAL). */
export function deliveryRows(file: string, campaignId: string): DeliveryRow[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db
      .prepare(
        'SELECT notification_id, lower(address) AS address, status FROM notify_delivery WHERE notification_id LIKE ?',
      )
      .all(`campaign/${campaignId}/%`) as DeliveryRow[];
  } finally {
    db.close();
  }
}

export interface MailAccount {
  deliveries: number;
  sent: number;
  uncertain: number;
  /** Uncertain and received: it did go out, once. */
  uncertainReceived: number;
  /** Uncertain and not received: the kill came before the server took it; listed for the office. */
  uncertainNotReceived: string[];
  failed: DeliveryRow[];
  unsettled: DeliveryRow[];
  /** Logged as sent and never received. */
  lost: string[];
  /** Received more than once. */
  duplicated: string[];
  /** Received but not in the log: sent by nobody the log knows. */
  unknown: string[];
}

export function account(
  rows: DeliveryRow[],
  arrivals: Map<string, Arrival[]>,
  campaignId: string,
): MailAccount {
  const key = (r: DeliveryRow) => `${r.notification_id} ${r.address}`;
  const logged = new Set(rows.map(key));
  const mine = [...arrivals].filter(([k]) => k.startsWith(`campaign/${campaignId}/`));
  const uncertain = rows.filter((r) => r.status === 'uncertain');
  return {
    deliveries: rows.length,
    sent: rows.filter((r) => r.status === 'sent').length,
    uncertain: uncertain.length,
    uncertainReceived: uncertain.filter((r) => arrivals.has(key(r))).length,
    uncertainNotReceived: uncertain.filter((r) => !arrivals.has(key(r))).map(key),
    failed: rows.filter((r) => r.status === 'failed'),
    // 'suppressed': an escalation repeat over the person's weekly cap, final (activities/notify/bundle.ts).
    unsettled: rows.filter((r) => !['sent', 'uncertain', 'failed', 'suppressed'].includes(r.status)),
    lost: rows.filter((r) => r.status === 'sent' && !arrivals.has(key(r))).map(key),
    duplicated: mine.filter(([, a]) => a.length > 1).map(([k]) => k),
    unknown: mine.filter(([k]) => !logged.has(k)).map(([k]) => k),
  };
}
