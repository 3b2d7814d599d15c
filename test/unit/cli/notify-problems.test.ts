import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryLog } from '../../../activities/notify/log/delivery-log.js';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { sha256Hex, shortIdLength } from '../../../client/api/delivery-problems.js';
import { parseNotificationId } from '../../../workflows/ids.js';
import { runProblems, runResolve } from '../../../client/commands/notify.js';
import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

let dir: string;
let file: string;

/** Writes one delivery the way the activity does: claim, then the outcome. */
async function record(
  log: DeliveryLog,
  o: {
    id: string;
    channel: 'email' | 'sms';
    role: string;
    name: string;
    address: string;
    event: string;
    outcome: 'failed' | 'uncertain' | 'sent';
    reason?: string;
    at: string;
  },
) {
  const deliveryKey = `${o.id}#${o.channel}#${o.role}#${o.address}`;
  const now = new Date(o.at);
  await log.claim({
    deliveryKey,
    notificationId: o.id,
    channel: o.channel,
    event: o.event,
    role: o.role,
    recipientName: o.name,
    address: o.address,
    claimToken: `t-${deliveryKey}`,
    now,
    leaseMs: 120_000,
  });
  const outcome = { deliveryKey, claimToken: `t-${deliveryKey}`, now };
  if (o.outcome === 'sent') await log.markSent({ ...outcome, providerMessageId: 'm1' });
  else if (o.outcome === 'failed')
    await log.markFailed({ ...outcome, errorCode: 'invalid_address', errorReason: o.reason ?? '' });
  else
    await log.markUncertain({ ...outcome, errorCode: 'uncertain_after_crash', errorReason: o.reason ?? '' });
}

const UNCERTAIN_REASON =
  '邮件发送过程中工作进程中断，无法确认对方是否已收到；为避免重复发送，系统没有自动重发。请与李书记核实，未收到的请人工补发。';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'notify-cli-'));
  file = path.join(dir, 'notify.sqlite');
  const log = openSqliteDeliveryLog(file);
  await record(log, {
    id: 'campaign/c1/unit/dawei/kickoff',
    channel: 'sms',
    role: 'liaison',
    name: '张明',
    address: '1234',
    event: 'kickoff',
    outcome: 'failed',
    reason: '手机号码不是有效的大陆手机号：1234',
    at: '2009-11-10T02:00:00Z',
  });
  await record(log, {
    id: 'campaign/c1/unit/dawei/kickoff',
    channel: 'email',
    role: 'head',
    name: '李书记',
    address: 'head@dawei.example.cn',
    event: 'kickoff',
    outcome: 'sent',
    at: '2009-11-10T02:00:01Z',
  });
  await record(log, {
    id: 'campaign/c1/unit/xinan/task/plan/reminder/0',
    channel: 'email',
    role: 'head',
    name: '李书记',
    address: 'li@xinan.example.cn',
    event: 'reminder',
    outcome: 'uncertain',
    reason: UNCERTAIN_REASON,
    at: '2009-11-11T06:30:00Z',
  });
  // Another campaign whose id begins with the same characters: not part of c1.
  await record(log, {
    id: 'campaign/c10/unit/dawei/kickoff',
    channel: 'email',
    role: 'liaison',
    name: '王五',
    address: 'bad-address',
    event: 'kickoff',
    outcome: 'failed',
    reason: '邮箱地址格式不正确：bad-address',
    at: '2009-11-12T02:00:00Z',
  });
  await log.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function inProcess(
  args: Parameters<typeof runProblems>[0],
  env: NodeJS.ProcessEnv = { NOTIFY_SQLITE_PATH: file },
) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runProblems(
    args,
    env,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('campaign notify problems', () => {
  it('lists one campaign’s failed and uncertain deliveries, newest first, in a Chinese table with counts', async () => {
    const r = await inProcess({ campaign: 'c1' });
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^编号\s+时间\s+状态\s+渠道\s+收件人\s+单位\/通知\s+原因$/);
    expect(lines[1]).toMatch(
      /^[0-9a-f]{8}\s+2009-11-11 14:30\s+结果未知\s+邮件\s+第一责任人 李书记\s+xinan · 到期提醒\s+邮件发送过程中工作进程中断/,
    );
    expect(lines[2]).toMatch(
      /^[0-9a-f]{8}\s+2009-11-10 10:00\s+发送失败\s+短信\s+联络员 张明\s+dawei · 启动通知\s+手机号码不是有效的大陆手机号：1234$/,
    );
    expect(r.out).not.toContain('王五');
    expect(r.out).toContain('活动「c1」：待处理的发送失败 1 条，结果未知 1 条。');
    expect(r.out).toContain('请与收件人核实');
    expect(r.out).toContain('campaign notify resolve <编号> --as');
  });

  it('--json gives the same list with unit and campaign parsed from the notification id; --limit cuts and says so', async () => {
    const all = await inProcess({ json: true });
    const list = JSON.parse(all.out) as {
      problems: { campaignId: string; unitId: string; status: string; address: string }[];
      failed: number;
      uncertain: number;
      truncated: boolean;
    };
    expect(list.problems.map((p) => [p.campaignId, p.unitId, p.status])).toEqual([
      ['c10', 'dawei', 'failed'],
      ['c1', 'xinan', 'uncertain'],
      ['c1', 'dawei', 'failed'],
    ]);
    expect(list.problems[0]!.address).toBe('bad-address');
    expect([list.failed, list.uncertain, list.truncated]).toEqual([2, 1, false]);
    const cut = await inProcess({ limit: '1' });
    expect(cut.out).toContain(
      '全部活动：待处理的发送失败 1 条，结果未知 0 条（只列出最近 1 条，用 --limit 查看更多）',
    );
    expect((await inProcess({ campaign: 'nope' })).out).toBe(
      '活动「nope」没有待处理的发送失败或结果未知的通知（已处理的用 --all 查看）。',
    );
  });

  it('heads the list with stuck units (流程异常，需要技术处理) from the health cache beside the log, with the error and how to repair', async () => {
    const copy = await logCopy();
    const status = openSqliteStatusStore(copy);
    const error =
      '[TMPRL1100] Nondeterminism error: No command scheduled for event HistoryEvent(id: 31, TimerStarted)';
    await status.putHealth([
      {
        campaignId: 'c1',
        unitId: 'xinan',
        unitName: '新安镇机关',
        state: 'stuck',
        failures: 4,
        error,
        since: '2009-11-12T01:00:00Z',
        checkedAt: '2009-11-12T01:05:00Z',
      },
    ]);
    // Its read model still says running (a stuck unit publishes nothing more): listings over every campaign find it there.
    const running = {
      campaignId: 'c1',
      unitId: 'xinan',
      run: 1,
      seq: 3,
      groupId: 'G1',
      unitType: 'town_office',
      phase: 'running' as const,
      stage: 'study',
      remedialRound: 0,
      asOf: '2009-11-12T00:00:00Z',
    };
    await status.publish({
      ...running,
      status: {
        ...running,
        unitName: '新安镇机关',
        planId: 'p',
        stages: [],
        tasks: [],
        overdueCount: 0,
        openEscalations: [],
        surveys: [],
        lookBackDone: false,
        timeline: [],
        timelineDropped: 0,
      },
    });
    await status.close();
    const r = await inProcess({ campaign: 'c1' }, { NOTIFY_SQLITE_PATH: copy });
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^状态\s+活动\s+单位\s+发现时间\s+失败次数\s+错误$/);
    expect(lines[1]).toMatch(
      /^流程异常，需要技术处理\s+c1\s+新安镇机关（xinan）\s+2009-11-12 09:00\s+4\s+\[TMPRL1100\] Nondeterminism error/,
    );
    expect(r.out).toContain(
      '流程异常 1 个单位：工作流任务反复失败，这些单位的通知在修复前不会发出。请技术人员先演练修复（campaign repair --campaign c1 --dry-run）',
    );
    // The notifications follow as before.
    expect(r.out).toContain('活动「c1」：待处理的发送失败 1 条，结果未知 1 条。');
    const json = JSON.parse((await inProcess({ json: true }, { NOTIFY_SQLITE_PATH: copy })).out) as {
      workflowProblems: { unitId: string; statusLabel: string; error: string }[];
    };
    expect(json.workflowProblems).toEqual([
      expect.objectContaining({ unitId: 'xinan', statusLabel: '流程异常，需要技术处理', error }),
    ]);
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
    expect(parseNotificationId('campaign/c1/unit/u7/task/plan/reminder/0')).toEqual({
      campaignId: 'c1',
      unitId: 'u7',
    });
    expect(parseNotificationId('campaign/c1/digest/2009-11-10')).toEqual({ campaignId: 'c1' });
    expect(parseNotificationId('other')).toEqual({});
  });

  it('is wired into the campaign command line', async () => {
    const r = await run(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      ['client/cli.ts', 'notify', 'problems', '--campaign', 'c1'],
      {
        cwd: ROOT,
        env: { ...process.env, NOTIFY_SQLITE_PATH: file, DATABASE_URL: '' },
      },
    );
    expect(r.stdout).toContain('联络员 张明');
    expect(r.stdout).toContain('活动「c1」：待处理的发送失败 1 条，结果未知 1 条。');
    const help = await run(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      ['client/cli.ts', 'notify', 'resolve', '--help'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: '' } },
    );
    expect(help.stdout).toContain('address_fixed（已更正地址）');
  });
});

/** A fresh copy of the log per test, so resolutions do not leak between them. */
async function logCopy(): Promise<string> {
  const copy = path.join(dir, `copy-${Math.random().toString(36).slice(2)}.sqlite`);
  await cp(file, copy);
  return copy;
}

async function resolveIn(copy: string, refs: string[], o: Parameters<typeof runResolve>[1]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runResolve(
    refs,
    o,
    { NOTIFY_SQLITE_PATH: copy },
    (l) => out.push(l),
    (l) => err.push(l),
    () => new Date('2009-11-12T03:00:00Z'),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const idOf = (key: string) => sha256Hex(key).slice(0, 8);
const SMS_KEY = 'campaign/c1/unit/dawei/kickoff#sms#liaison#1234';
const UNCERTAIN_KEY = 'campaign/c1/unit/xinan/task/plan/reminder/0#email#head#li@xinan.example.cn';

describe('campaign notify resolve', () => {
  it('takes a problem off the list by the short id the table shows; --all shows it with 处理情况', async () => {
    const copy = await logCopy();
    const listed = await inProcess({ campaign: 'c1' }, { NOTIFY_SQLITE_PATH: copy });
    expect(listed.out).toContain(idOf(UNCERTAIN_KEY));
    const r = await resolveIn(copy, [idOf(UNCERTAIN_KEY)], {
      as: 'received',
      note: '已电话核实收到',
      by: '孙主任',
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      `${idOf(UNCERTAIN_KEY)}  结果未知 · 邮件 · 第一责任人 李书记 · xinan · 到期提醒 → 已核实收到（孙主任 11-12 11:00：已电话核实收到）`,
    );
    expect(r.out).toContain('已标记 1 条为「已核实收到」');
    const open = await inProcess({ campaign: 'c1' }, { NOTIFY_SQLITE_PATH: copy });
    expect(open.out).not.toContain('李书记');
    expect(open.out).toContain('活动「c1」：待处理的发送失败 1 条，结果未知 0 条。');
    const all = await inProcess({ campaign: 'c1', all: true }, { NOTIFY_SQLITE_PATH: copy });
    const lines = all.out.split('\n');
    expect(lines[0]).toMatch(/原因\s+处理情况$/);
    expect(lines[1]).toMatch(/第一责任人 李书记.*已核实收到（孙主任 11-12 11:00：已电话核实收到）$/);
    expect(lines[2]).toMatch(/联络员 张明.*未处理$/);
    expect(all.out).toContain('活动「c1」：待处理的发送失败 1 条，结果未知 0 条，已处理 1 条。');
    const json = JSON.parse(
      (await inProcess({ campaign: 'c1', all: true, json: true }, { NOTIFY_SQLITE_PATH: copy })).out,
    ) as { problems: { deliveryKey: string; resolution?: unknown }[]; resolved: number };
    expect(json.problems[0]).toMatchObject({
      deliveryKey: UNCERTAIN_KEY,
      resolution: { kind: 'received', kindLabel: '已核实收到', by: '孙主任', note: '已电话核实收到' },
    });
    expect(json.resolved).toBe(1);
  });

  it('accepts several ids and full keys; one bad id names itself and nothing is marked', async () => {
    const copy = await logCopy();
    const bad = await resolveIn(
      copy,
      [idOf(SMS_KEY), 'deadbeef', 'campaign/c1/unit/dawei/kickoff#email#head#head@dawei.example.cn'],
      { as: 'resent', campaign: 'c1' },
    );
    expect(bad.code).toBe(1);
    expect(bad.err.split('\n')).toEqual([
      '编号「deadbeef」：活动「c1」的通知异常中没有这个编号（编号见通知异常列表的第一列）',
      '编号「campaign/c1/unit/dawei/kickoff#email#head#head@dawei.example.cn」：这条通知的状态不是发送失败或结果未知，无需标记处理',
      '没有标记任何一条。',
    ]);
    expect((await inProcess({ campaign: 'c1' }, { NOTIFY_SQLITE_PATH: copy })).out).toContain(
      '待处理的发送失败 1 条，结果未知 1 条',
    );
    const ok = await resolveIn(copy, [idOf(SMS_KEY), UNCERTAIN_KEY], { as: 'resent', campaign: 'c1' });
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('已标记 2 条为「已人工补发」');
    expect(ok.out).toContain('已人工补发（活动办 11-12 11:00）');
    expect((await inProcess({ campaign: 'c1' }, { NOTIFY_SQLITE_PATH: copy })).out).toContain('没有待处理的');
    // Another campaign's problem is not reachable from c1.
    const other = await resolveIn(copy, ['campaign/c10/unit/dawei/kickoff#email#liaison#bad-address'], {
      as: 'other',
      campaign: 'c1',
    });
    expect(other.err).toContain('活动「c1」的通知异常中没有这条通知');
  });

  it('names every bad argument at once, in Chinese, before opening the log', async () => {
    const r = await resolveIn(path.join(dir, 'never', 'x.sqlite'), [], {
      as: 'phoned',
      note: '长'.repeat(201),
      by: ' ',
    });
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      '编号：请至少给出一条通知异常的编号（见 campaign notify problems 的第一列）',
      '--as：只能是 received（已核实收到）、resent（已人工补发）、address_fixed（已更正地址）、other（其他） 之一（收到「phoned」）',
      '--note：不能超过 200 个字（现有 201 个字）',
      '--by：处理人姓名不能为空',
    ]);
    const missing = await resolveIn(file, ['abcdef12'], {});
    expect(missing.err).toContain('--as：请写明处理方式：received（已核实收到）');
  });

  it('short ids grow past 8 characters only when two keys of the listing share them', () => {
    expect(shortIdLength(['a', 'b', 'c'])).toBe(8);
    // k153629 and k164064 hash to the same first 8 hex characters (caaf373a…).
    expect([sha256Hex('k153629').slice(0, 8), sha256Hex('k164064').slice(0, 8)]).toEqual([
      'caaf373a',
      'caaf373a',
    ]);
    const len = shortIdLength(['a', 'k153629', 'k164064']);
    expect(len).toBe(10);
    expect(sha256Hex('k153629').slice(0, len)).not.toBe(sha256Hex('k164064').slice(0, len));
  });
});
