/**
 * The office page's 通知异常 panel in a real browser: deliveries the worker recorded as failed or
 * uncertain (seeded into the stack's delivery log) are listed with status, channel, recipient,
 * unit and reason, and the office marks one 已处理 so it leaves the open list. No units run: only
 * the log is read and written.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDeliveryLog } from '../../activities/notify/log/sqlite-delivery-log.js';
import { sha256Hex } from '../../client/api/delivery-problems.js';
import type { RosterUnit } from '../../domain/roster/types.js';
import { screenshot } from './browser.js';
import { startConsole, type ConsoleRun } from './console-stack.js';

const UNIT: RosterUnit = {
  id: 'N01',
  name: '红旗镇机关',
  type: 'town_office',
  flags: [],
  head: { name: '李书记', email: 'head@n01.example.cn' },
  liaison: { name: '张明', mobile: '1234' },
  groupId: 'G1',
  group: {
    id: 'G1',
    name: '第一指导组',
    members: [{ name: '王组长', role: 'leader', sourceRow: 2, email: 'g1@example.cn' }],
  },
  sourceRow: 2,
};

let run: ConsoleRun;
let campaign: string;
let loginAs: ConsoleRun['loginAs'];

/** What the worker would have written: the liaison's malformed mobile, and a send cut off by a crash. */
async function seedDeliveryLog(tmp: string, campaign: string): Promise<void> {
  const log = openSqliteDeliveryLog(path.join(tmp, 'delivery.sqlite'));
  const seed = async (
    id: string,
    channel: 'email' | 'sms',
    role: string,
    name: string,
    address: string,
    event: string,
    uncertain: boolean,
    reason: string,
  ) => {
    const deliveryKey = `${id}#${channel}#${role}#${address}`;
    const o = { deliveryKey, claimToken: 't', now: new Date() };
    await log.claim({
      deliveryKey,
      notificationId: id,
      channel,
      event,
      role,
      recipientName: name,
      address,
      claimToken: 't',
      now: o.now,
      leaseMs: 60_000,
    });
    if (uncertain) await log.markUncertain({ ...o, errorCode: 'uncertain_after_crash', errorReason: reason });
    else await log.markFailed({ ...o, errorCode: 'invalid_address', errorReason: reason });
  };
  await seed(
    `campaign/${campaign}/unit/N01/kickoff`,
    'sms',
    'liaison',
    '张明',
    '1234',
    'kickoff',
    false,
    '手机号码不是有效的大陆手机号：1234',
  );
  await seed(
    `campaign/${campaign}/unit/N01/task/plan/urge/1`,
    'email',
    'head',
    '李书记',
    'head@n01.example.cn',
    'urge',
    true,
    '邮件发送过程中工作进程中断，无法确认对方是否已收到；为避免重复发送，系统没有自动重发。请与李书记核实，未收到的请人工补发。',
  );
  await seed(
    'campaign/another/unit/N01/kickoff',
    'email',
    'liaison',
    '别的活动的人',
    'x',
    'kickoff',
    false,
    '邮箱地址格式不正确：x',
  );
  await log.close();
}

beforeAll(async () => {
  run = await startConsole({ name: 'np', units: [UNIT], stages: ['study'], seed: seedDeliveryLog });
  ({ campaign, loginAs } = run);
});

afterAll(async () => run?.close());

describe('office console: 通知异常', () => {
  it('lists this campaign’s failed and uncertain notifications with who, which unit and why', async () => {
    const page = await loginAs('office');
    const rows = page.locator('#notification-problems tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    const cells = async (i: number) => (await rows.nth(i).locator('td').allTextContents()).slice(2, 7);
    expect(await cells(0)).toEqual([
      '结果未知',
      '邮件',
      '第一责任人 李书记',
      'N01 · 催办',
      '邮件发送过程中工作进程中断，无法确认对方是否已收到；为避免重复发送，系统没有自动重发。请与李书记核实，未收到的请人工补发。',
    ]);
    expect(await cells(1)).toEqual([
      '发送失败',
      '短信',
      '联络员 张明',
      'N01 · 启动通知',
      '手机号码不是有效的大陆手机号：1234',
    ]);
    // The first column is the short id the command line's resolve also accepts.
    expect(await rows.nth(1).locator('td').first().textContent()).toBe(
      sha256Hex(`campaign/${campaign}/unit/N01/kickoff#sms#liaison#1234`).slice(0, 8),
    );
    expect(await page.locator('#notification-problem-counts').textContent()).toContain(
      '发送失败 1 条，结果未知 1 条',
    );
    expect(await page.locator('#notification-problems').textContent()).not.toContain('别的活动的人');
    await page.locator('#notification-problems').scrollIntoViewIfNeeded();
    await screenshot(page, '20-office-notification-problems');
  });

  it('marks a problem 已处理 with a kind and a note: it leaves the list, and 显示已处理 brings it back with who and what', async () => {
    const page = await loginAs('office');
    const panel = page.locator('#notification-problems');
    const rows = panel.locator('tbody tr[data-problem]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    const uncertain = rows.filter({ hasText: '李书记' });
    await uncertain.getByRole('button', { name: '标记已处理' }).click();
    await panel.getByLabel('处理方式').selectOption({ label: '已人工补发' });
    await panel.getByLabel(/说明/).fill('已电话联系李书记，邮件重新发出');
    await panel.locator('.resolve-form').scrollIntoViewIfNeeded();
    await screenshot(page, '21-office-notification-problem-resolve-form');
    await panel.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    expect(await panel.textContent()).toContain('已将「第一责任人 李书记 · 催办（邮件）」标记为已人工补发。');
    expect(await page.locator('#notification-problem-counts').textContent()).toContain(
      '发送失败 1 条，结果未知 0 条',
    );

    await panel.getByLabel('显示已处理').check();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    const resolved = rows.filter({ hasText: '李书记' });
    expect(await resolved.locator('td').last().textContent()).toMatch(
      /^已人工补发（孙主任 .+：已电话联系李书记，邮件重新发出）/,
    );
    expect(await resolved.getAttribute('class')).toContain('row-muted');
    expect(await page.locator('#notification-problem-counts').textContent()).toContain('已处理 1 条');
    // What the worker recorded about the send is unchanged: still 结果未知.
    expect((await resolved.locator('td').allTextContents())[2]).toBe('结果未知');
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, '22-office-notification-problems-resolved');

    // The note's limit is the server's: it names the field.
    await rows.filter({ hasText: '张明' }).getByRole('button', { name: '标记已处理' }).click();
    await panel
      .getByLabel(/说明/)
      .evaluate((el: { removeAttribute(name: string): void }) => el.removeAttribute('maxlength'));
    await panel.getByLabel(/说明/).fill('长'.repeat(201));
    await panel.getByRole('button', { name: '确定' }).click();
    await expect
      .poll(() => panel.getByRole('alert').textContent(), { timeout: 10_000 })
      .toBe('note：不能超过 200 个字');
  });
});
