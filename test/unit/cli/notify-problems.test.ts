import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryLog } from '../../../activities/notify/log/delivery-log.js';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { parseNotificationId } from '../../../client/api/delivery-problems.js';
import { runProblems } from '../../../client/commands/notify.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

let dir: string;
let file: string;

/** Writes one delivery the way the activity does: claim, then the outcome. */
async function record(log: DeliveryLog, o: { id: string; channel: 'email' | 'sms'; role: string; name: string; address: string; event: string; outcome: 'failed' | 'uncertain' | 'sent'; reason?: string; at: string }) {
  const deliveryKey = `${o.id}#${o.channel}#${o.role}#${o.address}`;
  const now = new Date(o.at);
  await log.claim({ deliveryKey, notificationId: o.id, channel: o.channel, event: o.event, role: o.role, recipientName: o.name, address: o.address, claimToken: `t-${deliveryKey}`, now, leaseMs: 120_000 });
  const outcome = { deliveryKey, claimToken: `t-${deliveryKey}`, now };
  if (o.outcome === 'sent') await log.markSent({ ...outcome, providerMessageId: 'm1' });
  else if (o.outcome === 'failed') await log.markFailed({ ...outcome, errorCode: 'invalid_address', errorReason: o.reason ?? '' });
  else await log.markUncertain({ ...outcome, errorCode: 'uncertain_after_crash', errorReason: o.reason ?? '' });
}

const UNCERTAIN_REASON = '邮件发送过程中工作进程中断，无法确认对方是否已收到；为避免重复发送，系统没有自动重发。请与李书记核实，未收到的请人工补发。';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'notify-cli-'));
  file = path.join(dir, 'notify.sqlite');
  const log = openSqliteDeliveryLog(file);
  await record(log, { id: 'campaign/c1/unit/dawei/kickoff', channel: 'sms', role: 'liaison', name: '张明', address: '1234', event: 'kickoff', outcome: 'failed', reason: '手机号码不是有效的大陆手机号：1234', at: '2009-11-10T02:00:00Z' });
  await record(log, { id: 'campaign/c1/unit/dawei/kickoff', channel: 'email', role: 'head', name: '李书记', address: 'head@dawei.example.cn', event: 'kickoff', outcome: 'sent', at: '2009-11-10T02:00:01Z' });
  await record(log, { id: 'campaign/c1/unit/xinan/task/plan/reminder/0', channel: 'email', role: 'head', name: '李书记', address: 'li@xinan.example.cn', event: 'reminder', outcome: 'uncertain', reason: UNCERTAIN_REASON, at: '2009-11-11T06:30:00Z' });
  // Another campaign whose id begins with the same characters: not part of c1.
  await record(log, { id: 'campaign/c10/unit/dawei/kickoff', channel: 'email', role: 'liaison', name: '王五', address: 'bad-address', event: 'kickoff', outcome: 'failed', reason: '邮箱地址格式不正确：bad-address', at: '2009-11-12T02:00:00Z' });
  await log.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function inProcess(args: Parameters<typeof runProblems>[0], env: NodeJS.ProcessEnv = { NOTIFY_SQLITE_PATH: file }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runProblems(args, env, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('campaign notify problems', () => {
  it('lists one campaign’s failed and uncertain deliveries, newest first, in a Chinese table with counts', async () => {
    const r = await inProcess({ campaign: 'c1' });
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^时间\s+状态\s+渠道\s+收件人\s+单位\/通知\s+原因$/);
    expect(lines[1]).toMatch(/^2009-11-11 14:30\s+结果未知\s+邮件\s+第一责任人 李书记\s+xinan · 到期提醒\s+邮件发送过程中工作进程中断/);
    expect(lines[2]).toMatch(/^2009-11-10 10:00\s+发送失败\s+短信\s+联络员 张明\s+dawei · 启动通知\s+手机号码不是有效的大陆手机号：1234$/);
    expect(r.out).not.toContain('王五');
    expect(r.out).toContain('活动「c1」：发送失败 1 条，结果未知 1 条。');
    expect(r.out).toContain('请与收件人核实');
  });

  it('--json gives the same list with unit and campaign parsed from the notification id; --limit cuts and says so', async () => {
    const all = await inProcess({ json: true });
    const list = JSON.parse(all.out) as { problems: { campaignId: string; unitId: string; status: string; address: string }[]; failed: number; uncertain: number; truncated: boolean };
    expect(list.problems.map((p) => [p.campaignId, p.unitId, p.status])).toEqual([
      ['c10', 'dawei', 'failed'],
      ['c1', 'xinan', 'uncertain'],
      ['c1', 'dawei', 'failed'],
    ]);
    expect(list.problems[0]!.address).toBe('bad-address');
    expect([list.failed, list.uncertain, list.truncated]).toEqual([2, 1, false]);
    const cut = await inProcess({ limit: '1' });
    expect(cut.out).toContain('全部活动：发送失败 1 条，结果未知 0 条（只列出最近 1 条，用 --limit 查看更多）');
    expect((await inProcess({ campaign: 'nope' })).out).toBe('活动「nope」没有发送失败或结果未知的通知。');
  });

  it('names the missing log file and a bad --limit instead of creating anything', async () => {
    const missing = path.join(dir, 'none', 'notify.sqlite');
    const r = await inProcess({}, { NOTIFY_SQLITE_PATH: missing });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`找不到投递记录文件：${missing}`);
    const bad = await inProcess({ limit: '0' });
    expect([bad.code, bad.err]).toEqual([1, '--limit：应为 1 到 10000 的整数（收到「0」）']);
    const badUrl = await inProcess({}, { DATABASE_URL: 'mysql://x' });
    expect(badUrl.err).toContain('DATABASE_URL：应为 postgres:// 开头的连接串');
  });

  it('parses notification ids of units and of campaign-wide notices', () => {
    expect(parseNotificationId('campaign/c1/unit/u7/task/plan/reminder/0')).toEqual({ campaignId: 'c1', unitId: 'u7' });
    expect(parseNotificationId('campaign/c1/digest/2009-11-10')).toEqual({ campaignId: 'c1' });
    expect(parseNotificationId('other')).toEqual({});
  });

  it('is wired into the campaign command line', async () => {
    const r = await run(path.join(ROOT, 'node_modules/.bin/tsx'), ['client/cli.ts', 'notify', 'problems', '--campaign', 'c1'], {
      cwd: ROOT,
      env: { ...process.env, NOTIFY_SQLITE_PATH: file, DATABASE_URL: '' },
    });
    expect(r.stdout).toContain('联络员 张明');
    expect(r.stdout).toContain('活动「c1」：发送失败 1 条，结果未知 1 条。');
  });
});
