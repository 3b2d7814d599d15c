/**
 * Emails per second through the pooled SMTP transport to a loopback server, with and without the
 * delivery log, and the log's own cost per message. Run: npx tsx bench/notify.bench.ts [count]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, freemem, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNotificationActivities } from '../activities/notify/activities.js';
import { openSqliteDeliveryLog } from '../activities/notify/log/sqlite-delivery-log.js';
import { loadTemplates } from '../activities/notify/templates.js';
import { startMailbox, loopbackMailer } from '../test/support/mailbox.js';

const count = Number(process.argv[2] ?? 1000);
const concurrency = 20;
const templates = loadTemplates(join(import.meta.dirname, '../templates/notify'));
const facts = {
  campaign: '第三批深入学习实践科学发展观活动',
  unit: '城关镇东街社区',
  task: '分析检查报告',
  deadline: '2009年12月10日',
  daysLeft: 3,
};

async function pool<T>(n: number, work: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'notify-bench-'));
const mailbox = await startMailbox();
const mailer = loopbackMailer(mailbox.port, { maxConnections: 5 });
const settings = {
  officeName: '区学习实践活动办公室',
  mailFrom: '区学习实践活动办公室 <office@xuexi.example.gov.cn>',
  officeHours: { start: '00:00', end: '23:59', zone: 'Asia/Shanghai' },
  quietChannels: [] as const,
  claimLeaseMs: 120_000,
};

// 1. The bare transport: render + send, no log.
let t = performance.now();
await pool(count, (i) => {
  const c = templates.email('reminder', facts, {
    recipient: { name: '张明', role: 'liaison' },
    office: settings.officeName,
  });
  return mailer.send({
    from: settings.mailFrom,
    to: { name: '张明', address: `u${i}@bench.example.cn` },
    subject: c.subject,
    text: c.text,
    html: c.html,
    messageId: `<raw.${i}@bench>`,
  });
});
await mailbox.waitFor(count, 60_000);
const rawSecs = (performance.now() - t) / 1000;

// 2. Through the activity with the SQLite delivery log (WAL, synchronous=FULL).
const log = openSqliteDeliveryLog(join(dir, 'notify.sqlite'));
const activities = createNotificationActivities({ templates, deliveryLog: log, mailer, settings });
t = performance.now();
await pool(count, (i) =>
  activities.deliverNotification({
    notificationId: `bench/${i}`,
    event: 'reminder',
    facts,
    recipients: [{ role: 'liaison', name: '张明', email: `u${i}@bench.example.cn` }],
    channels: ['email'],
  }),
);
await mailbox.waitFor(2 * count, 60_000);
const fullSecs = (performance.now() - t) / 1000;

// 3. The log alone: claim + markSent per message, sequential (its real cost on the critical path).
const log2 = openSqliteDeliveryLog(join(dir, 'log-only.sqlite'));
t = performance.now();
for (let i = 0; i < count; i++) {
  const key = `log/${i}`;
  await log2.claim({
    deliveryKey: key,
    notificationId: key,
    channel: 'email',
    event: 'reminder',
    role: 'liaison',
    recipientName: '张明',
    address: 'a@b.cn',
    claimToken: `k${i}`,
    now: new Date(),
    leaseMs: 120_000,
  });
  await log2.markSent({
    deliveryKey: key,
    claimToken: `k${i}`,
    now: new Date(),
    providerMessageId: `<m${i}>`,
  });
}
const logMs = (performance.now() - t) / count;

mailer.close();
await mailbox.close();
await log.close();
await log2.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `machine: ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), node ${process.version}`,
);
console.log(`messages: ${count}, concurrency ${concurrency}, SMTP pool of 5 connections on loopback`);
console.log(`bare pooled transport:        ${(count / rawSecs).toFixed(0)} emails/s`);
console.log(`activity + SQLite log:        ${(count / fullSecs).toFixed(0)} emails/s`);
console.log(
  `delivery log alone:           ${logMs.toFixed(3)} ms per message (claim + sent, 2 fsync'd transactions)`,
);
console.log(
  `log overhead in the activity: ${(((fullSecs - rawSecs) / count) * 1000).toFixed(3)} ms per message (wall clock, concurrent)`,
);
