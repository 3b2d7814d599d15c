/**
 * Issue 5 for the digests: every 指导组 daily list and office 简报 arrives once. The activities run
 * against a real loopback SMTP server and the real SQLite delivery log; a crash is simulated by a
 * log whose 'sent' commit dies once, exactly where a killed worker would stop.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverdueItem } from '../../../app/overdue.js';
import type { CampaignOverview } from '../../../app/visibility.js';
import type { ReportData } from '../../../app/report/collect.js';
import { createDigestActivities } from '../../../activities/digest/activities.js';
import { notificationIds } from '../../../workflows/ids.js';
import type { DigestReader } from '../../../activities/digest/reader.js';
import { readDocx } from '../report/docx-xml.js';
import { deliveryKeyFor } from '../../../activities/notify/activities.js';
import type { DeliveryLog } from '../../../activities/notify/log/delivery-log.js';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { messageIdFor } from '../../../activities/notify/mailer.js';
import type { DigestGroup } from '../../../workflows/digest/messages.js';
import { dyingOnce } from '../notify/support/dying-log.js';
import { startPickyMailbox, type PickyMailbox } from './support/picky-mailbox.js';

const LEASE_MS = 120_000;
const FROM = '区学习实践活动办公室 <office@xuexi.example.gov.cn>';
const CAMPAIGN = 'c2009';
const DATE = '2009-12-09';

const GROUPS: DigestGroup[] = [
  {
    id: 'g1',
    name: '第一指导检查组',
    members: [
      { name: '王强', email: 'wangqiang@groups.example.cn' },
      { name: '李娜', email: 'lina@groups.example.cn' },
    ],
  },
  { id: 'g2', name: '第二指导检查组', members: [{ name: '赵刚', email: 'zhaogang@groups.example.cn' }] },
  // No overdue items today: no digest.
  { id: 'g3', name: '第三指导检查组', members: [{ name: '孙丽', email: 'sunli@groups.example.cn' }] },
];

function item(unitId: string, unitName: string, group: string): OverdueItem {
  return {
    unitId,
    unitName,
    group,
    unitType: 'township',
    taskId: 'convey_spirit',
    title: '传达上级精神',
    stageId: 'study',
    dueAt: '2009-12-07T02:00:00Z',
    hoursLate: 48,
    escalationLevel: 1,
    acknowledged: false,
  };
}

const OVERVIEW: CampaignOverview = {
  campaignId: CAMPAIGN,
  total: 3,
  running: 3,
  overdueUnits: 3,
  byStage: [{ value: 'study', count: 3 }],
  byUnitType: [{ value: 'township', count: 3 }],
  byGroup: [],
  byRemedialRound: [],
  method: 'group_by',
  queries: 4,
  elapsedMs: 1,
};

/** A fixed campaign; counts the reads so a test can tell a re-run did not even look. */
function fixedReader() {
  const reads = { overdue: 0, overview: 0, report: 0 };
  const overdue = [
    item('u1', '青山镇机关', 'g1'),
    item('u2', '白沙镇机关', 'g1'),
    item('u3', '东岭镇机关', 'g2'),
  ];
  const reader: DigestReader = {
    overdue: () => ((reads.overdue += 1), Promise.resolve(overdue)),
    awaitingReview: () => Promise.resolve([]),
    overview: () => ((reads.overview += 1), Promise.resolve(OVERVIEW)),
    report: (): Promise<ReportData> => (
      (reads.report += 1),
      Promise.resolve({
        campaignId: CAMPAIGN,
        generatedAt: '2009-12-09T01:00:00Z',
        units: [],
        overdue: overdue.map((o) => ({ ...o, state: '仍逾期' as const })),
        escalations: [],
        surveys: [],
        stageTitles: {},
      })
    ),
  };
  return { reader, reads };
}

class Clock {
  constructor(public current = new Date('2009-12-09T01:00:00Z')) {}
  now = () => this.current;
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

let mailbox: PickyMailbox;
let transport: Transporter;
beforeAll(async () => {
  mailbox = await startPickyMailbox();
  transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: mailbox.port,
    secure: false,
    ignoreTLS: true,
  });
});
afterAll(async () => {
  transport.close();
  await mailbox.close();
});

function setup(opts: { deliveryLog?: DeliveryLog } = {}) {
  const log = openSqliteDeliveryLog(':memory:');
  const clock = new Clock();
  const { reader, reads } = fixedReader();
  const activities = createDigestActivities({
    reader,
    transport,
    from: FROM,
    officeName: '区学习实践活动办公室',
    deliveryLog: opts.deliveryLog ?? log,
    claimLeaseMs: LEASE_MS,
    clock,
  });
  return { activities, log, clock, reads };
}

/** Messages accepted since `before`, keyed by recipient and campaign date, one entry per copy. */
function arrivals(before: number, campaign: string) {
  return mailbox
    .messages()
    .slice(before)
    .filter((m) =>
      String(m.mail.headers.get('x-campaign-notification') as string | undefined).startsWith(
        `campaign/${campaign}/`,
      ),
    )
    .flatMap((m) =>
      m.rcpt.map((to) => ({
        to,
        subject: m.mail.subject ?? '',
        messageId: m.mail.messageId ?? '',
        mail: m.mail,
      })),
    );
}

const daily = (campaignId: string, date = DATE) => ({
  campaignId,
  campaignTitle: '第三批深入学习实践科学发展观活动',
  date,
  groups: GROUPS,
});

describe('指导组 daily digests go out once per member', () => {
  it('sends each member of each 指导组 with overdue items its own list, with a Message-ID derived from the delivery', async () => {
    const { activities, log } = setup();
    const before = mailbox.messages().length;
    expect(await activities.sendGroupDigests(daily('d-a'))).toBe(3);
    const got = arrivals(before, 'd-a');
    expect(got.map((g) => g.to).sort()).toEqual([
      'lina@groups.example.cn',
      'wangqiang@groups.example.cn',
      'zhaogang@groups.example.cn',
    ]);
    const wang = got.find((g) => g.to === 'wangqiang@groups.example.cn');
    expect(wang?.subject).toBe(
      '【第三批深入学习实践科学发展观活动】第一指导检查组每日逾期清单（2009-12-09）：2项',
    );
    expect(wang?.mail.text).toContain('青山镇机关：“传达上级精神”');
    expect(wang?.mail.text).not.toContain('东岭镇机关');
    const key = deliveryKeyFor(
      notificationIds.groupDigest('d-a', DATE, 'g1'),
      'email',
      'group_member',
      'wangqiang@groups.example.cn',
    );
    expect(wang?.messageId).toBe(messageIdFor(key, 'xuexi.example.gov.cn'));
    expect(await log.get(key)).toMatchObject({
      status: 'sent',
      recipientName: '王强',
      event: 'group_daily_digest',
      providerMessageId: wang?.messageId,
    });
  });

  it('a retry after some members were sent their digest sends only the rest', async () => {
    const { activities, log } = setup();
    mailbox.refuse('lina@groups.example.cn', { temporary: 1 });
    const before = mailbox.messages().length;
    await expect(activities.sendGroupDigests(daily('d-b'))).rejects.toThrow(/1 deliveries will be retried/);
    expect(
      arrivals(before, 'd-b')
        .map((g) => g.to)
        .sort(),
    ).toEqual(['wangqiang@groups.example.cn', 'zhaogang@groups.example.cn']);
    const lina = deliveryKeyFor(
      notificationIds.groupDigest('d-b', DATE, 'g1'),
      'email',
      'group_member',
      'lina@groups.example.cn',
    );
    expect(await log.get(lina)).toMatchObject({
      status: 'retrying',
      errorCode: 'smtp_451',
      errorReason: expect.stringMatching(/451/) as string,
    });

    expect(await activities.sendGroupDigests(daily('d-b'))).toBe(1);
    expect(
      arrivals(before, 'd-b')
        .map((g) => g.to)
        .sort(),
    ).toEqual(['lina@groups.example.cn', 'wangqiang@groups.example.cn', 'zhaogang@groups.example.cn']);
    expect(await log.get(lina)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a second run of the same day’s digest sends nothing; the next day’s is a new digest', async () => {
    const { activities } = setup();
    const before = mailbox.messages().length;
    expect(await activities.sendGroupDigests(daily('d-c'))).toBe(3);
    expect(await activities.sendGroupDigests(daily('d-c'))).toBe(0);
    expect(arrivals(before, 'd-c')).toHaveLength(3);
    expect(await activities.sendGroupDigests(daily('d-c', '2009-12-10'))).toBe(3);
    expect(arrivals(before, 'd-c')).toHaveLength(6);
  });

  it('a crash between the server’s accept and the record ends uncertain for the office and is not resent', async () => {
    const inner = openSqliteDeliveryLog(':memory:');
    const { activities, clock } = setup({ deliveryLog: dyingOnce(inner, 'markSent') });
    const before = mailbox.messages().length;
    await expect(activities.sendGroupDigests(daily('d-d'))).rejects.toThrow(/simulated crash/);
    expect(arrivals(before, 'd-d').map((g) => g.to)).toEqual(['wangqiang@groups.example.cn']);

    // Inside the lease the dead attempt might still be running: its delivery waits, the others go.
    await expect(activities.sendGroupDigests(daily('d-d'))).rejects.toThrow(
      /another attempt is sending it right now/,
    );
    expect(
      arrivals(before, 'd-d')
        .map((g) => g.to)
        .sort(),
    ).toEqual(['lina@groups.example.cn', 'wangqiang@groups.example.cn', 'zhaogang@groups.example.cn']);

    clock.advance(LEASE_MS + 1_000);
    expect(await activities.sendGroupDigests(daily('d-d'))).toBe(0);
    expect(await activities.sendGroupDigests(daily('d-d'))).toBe(0);
    const got = arrivals(before, 'd-d');
    expect(got.filter((g) => g.to === 'wangqiang@groups.example.cn')).toHaveLength(1);
    expect(got).toHaveLength(3);

    const key = deliveryKeyFor(
      notificationIds.groupDigest('d-d', DATE, 'g1'),
      'email',
      'group_member',
      'wangqiang@groups.example.cn',
    );
    const record = await inner.get(key);
    expect(record).toMatchObject({ status: 'uncertain', errorCode: 'uncertain_after_crash' });
    expect(record?.errorReason).toBe(
      '「【第三批深入学习实践科学发展观活动】第一指导检查组每日逾期清单（2009-12-09）：2项」邮件发送过程中工作进程中断，无法确认对方是否已收到；为避免重复发送，系统没有自动重发。请与王强核实，未收到的请人工补发。',
    );
    expect((await inner.attempts(key)).map((a) => a.outcome)).toEqual(['claimed', 'took_over', 'uncertain']);
    expect(
      (await inner.problems({ notificationIdPrefix: 'campaign/d-d/' })).map((p) => p.deliveryKey),
    ).toEqual([key]);
  });

  it('a mailbox the server refuses for good is recorded failed, listed for the office and not retried', async () => {
    const { activities, log } = setup();
    mailbox.refuse('zhaogang-gone@groups.example.cn', 'permanent');
    const groups: DigestGroup[] = [
      {
        id: 'g2',
        name: '第二指导检查组',
        members: [
          { name: '赵刚', email: 'zhaogang-gone@groups.example.cn' },
          { name: '钱伟', email: 'qianwei@groups' },
        ],
      },
    ];
    const before = mailbox.messages().length;
    const input = { ...daily('d-e'), groups };
    expect(await activities.sendGroupDigests(input)).toBe(0);
    expect(await activities.sendGroupDigests(input)).toBe(0);
    expect(arrivals(before, 'd-e')).toEqual([]);
    const problems = await log.problems({ notificationIdPrefix: 'campaign/d-e/' });
    expect(problems.map((p) => [p.recipientName, p.status, p.errorCode, p.attempts]).sort()).toEqual([
      ['赵刚', 'failed', 'smtp_550', 1],
      ['钱伟', 'failed', 'invalid_address', 1],
    ]);
    expect(problems.find((p) => p.recipientName === '赵刚')?.errorReason).toMatch(/^邮件服务器拒收（550）/);
  });
});

describe('the office 简报 goes out once per office member', () => {
  const office = [
    { name: '周敏', email: 'zhoumin@xuexi.example.gov.cn' },
    { name: '吴军', email: 'wujun@xuexi.example.gov.cn' },
  ];
  const weekly = (campaignId: string) => ({
    campaignId,
    campaignTitle: '第三批深入学习实践科学发展观活动',
    date: DATE,
    office,
    groups: GROUPS,
  });

  it('each office member gets the 简报 with the Excel report once; a second run neither reads nor sends', async () => {
    const { activities, log, reads } = setup();
    const before = mailbox.messages().length;
    expect(await activities.sendOfficeBriefing(weekly('w-a'))).toBe(2);
    const got = arrivals(before, 'w-a');
    expect(got.map((g) => g.to).sort()).toEqual([
      'wujun@xuexi.example.gov.cn',
      'zhoumin@xuexi.example.gov.cn',
    ]);
    for (const g of got) {
      expect(g.subject).toBe('【第三批深入学习实践科学发展观活动】工作简报（2009-12-09）');
      expect(g.mail.attachments.map((a) => a.filename)).toEqual([
        'w-a-简报第1期-2009-12-09.docx',
        'w-a-进度报表-2009-12-09.xlsx',
      ]);
      expect(g.mail.attachments.map((a) => a.content.subarray(0, 2).toString())).toEqual(['PK', 'PK']);
      const docx = await readDocx(g.mail.attachments[0]!.content);
      expect(docx.paragraphs.slice(0, 2).map((p) => p.text)).toEqual(['学习实践活动简报', '第1期']);
      expect(g.mail.text).toContain('本期简报（Word 版，可直接印发）见附件《w-a-简报第1期-2009-12-09.docx》');
    }
    const key = deliveryKeyFor(
      notificationIds.officeBriefing('w-a', DATE),
      'email',
      'office',
      'zhoumin@xuexi.example.gov.cn',
    );
    expect(await log.get(key)).toMatchObject({ status: 'sent', event: 'office_weekly_briefing' });

    expect(await activities.sendOfficeBriefing(weekly('w-a'))).toBe(0);
    expect(arrivals(before, 'w-a')).toHaveLength(2);
    expect(reads).toMatchObject({ overview: 1, report: 1 });
  });

  it('a crash after the server accepted one 简报 leaves it uncertain; the retry sends the other one only', async () => {
    const inner = openSqliteDeliveryLog(':memory:');
    const { activities, clock } = setup({ deliveryLog: dyingOnce(inner, 'markSent') });
    const before = mailbox.messages().length;
    await expect(activities.sendOfficeBriefing(weekly('w-b'))).rejects.toThrow(/simulated crash/);
    clock.advance(LEASE_MS + 1_000);
    expect(await activities.sendOfficeBriefing(weekly('w-b'))).toBe(1);
    expect(
      arrivals(before, 'w-b')
        .map((g) => g.to)
        .sort(),
    ).toEqual(['wujun@xuexi.example.gov.cn', 'zhoumin@xuexi.example.gov.cn']);
    const problems = await inner.problems({ notificationIdPrefix: 'campaign/w-b/' });
    expect(problems.map((p) => [p.recipientName, p.status])).toEqual([['周敏', 'uncertain']]);
    expect(problems[0]?.errorReason).toContain(
      '「【第三批深入学习实践科学发展观活动】工作简报（2009-12-09）」邮件发送过程中工作进程中断',
    );
  });
});
