/**
 * 发起活动 in a real browser: the office uploads a plan and a roster with a bad row, sees the
 * error with its row number and the calendar preview, cannot launch until it ticks 跳过有问题的行,
 * launches the good units, then uploads the corrected roster and launches again (only the fixed
 * unit starts), and the new units appear by name on the board.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueTokens } from '../../client/api/tokens.js';
import { buildWeb } from '../../client/demo/build-web.js';
import { startStack, type Stack } from '../../client/demo/stack.js';
import { startMailbox, type Mailbox } from '../../toolchain/mailbox.js';
import { uniqueName } from '../support/unique.js';
import { DESKTOP, launchChromium, screenshot } from './browser.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
const OFFICE = { name: '区学习实践活动办公室', members: [{ id: 'office', name: '孙主任', email: 'office@xuexi.example.gov.cn' }] };

const HEADER = '单位编号,单位名称,单位类型,标记,第一责任人,第一责任人邮箱,第一责任人手机,联络员,联络员邮箱,联络员手机,指导组,结对单位,结对单位邮箱';
const row = (id: string, name: string, type: string, headMobile: string, group: string) =>
  `${id},${name},${type},,李${id},head-${id}@units.example.cn,${headMobile},王${id},liaison-${id}@units.example.cn,1390000${id.slice(1)}01,${group},,`;
const GOOD = [row('C01', '红旗镇机关', '镇机关', '13800001101', 'G1'), row('C02', '东风村党支部', '村', '13800001102', 'G2')];
/** Row 4 of the file (header is row 1): a head's mobile with ten digits. */
const BAD_ROSTER = [HEADER, ...GOOD, row('C03', '南岗镇机关', '镇机关', '1380000110', 'G1')].join('\n');
const FIXED_ROSTER = [HEADER, ...GOOD, row('C03', '南岗镇机关', '镇机关', '13800001103', 'G1')].join('\n');

let stack: Stack;
let mailbox: Mailbox;
let browser: Browser;
let tmp: string;
let officeToken: string;
let planBytes: Buffer;
let groupsBytes: Buffer;

beforeAll(async () => {
  await buildWeb();
  tmp = await mkdtemp(path.join(tmpdir(), 'browser-launch-'));
  mailbox = await startMailbox({ port: 0 });
  const campaign = uniqueName('weblaunch');
  // The office's token only; the campaign has no units until the office launches them.
  const issued = issueTokens(campaign, [], OFFICE, []);
  officeToken = issued.issued.find((t) => t.role === 'office')!.token;
  planBytes = await readFile(path.join(FIXTURES, 'browser_test.yaml'));
  groupsBytes = await readFile(path.join(FIXTURES, 'groups.csv'));
  stack = await startStack({
    temporalAddress: inject('temporalAddress'),
    taskQueue: uniqueName('weblaunch'),
    plansDir: FIXTURES,
    dataDir: tmp,
    smtpPort: mailbox.port,
    officeName: OFFICE.name,
    officeEmail: 'office@xuexi.example.gov.cn',
    tokens: issued.store,
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await mailbox?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const attrs = async (l: Locator, name: string) => Promise.all((await l.all()).map((x) => x.getAttribute(name)));

async function upload(page: Page, roster: string): Promise<void> {
  await page.getByLabel('活动计划（YAML）').setInputFiles({ name: 'browser_test.yaml', mimeType: 'application/x-yaml', buffer: planBytes });
  await page.getByLabel('参学单位名单（Excel，或 CSV）').setInputFiles({ name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${roster}\n`) });
  await page.getByLabel('指导组表（名单是 CSV 时需要）').setInputFiles({ name: '指导组.csv', mimeType: 'text/csv', buffer: groupsBytes });
  await page.getByRole('button', { name: '检查并预览' }).click();
  await page.locator('#launch-check').waitFor({ timeout: 20_000 });
}

describe('发起活动', () => {
  it('shows the bad row, refuses to launch until it is skipped, launches, relaunches the fixed roster, and the units appear on the board', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await page.goto(stack.consoleUrl);
    await page.getByLabel('令牌').fill(officeToken);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('#go-launch').click();
    await page.getByRole('heading', { name: /^发起活动/ }).waitFor();

    await upload(page, BAD_ROSTER);
    const badRow = page.locator('#roster-errors tr[data-row="4"]');
    await badRow.waitFor();
    expect(await badRow.locator('td').nth(1).textContent()).toBe('4');
    expect(await badRow.textContent()).toContain('1380000110');
    expect(await page.locator('#roster-summary').textContent()).toBe('名单：3 行单位，其中 2 个没有问题，第 4 行有错误。');
    // The calendar of each kind in the roster: 镇机关 and 村 both served by the plan.
    expect(await attrs(page.locator('#calendar-preview [data-unit-type]'), 'data-unit-type')).toEqual(['town_office', 'village']);
    expect(await page.locator('#calendar-preview [data-unit-type="town_office"] tr[data-task]').count()).toBeGreaterThan(1);
    expect(await page.locator('#calendar-preview [data-unit-type="town_office"] summary').textContent()).toBe('镇机关 · 1 个单位');
    expect(await page.locator('#launch').isDisabled()).toBe(true);
    await screenshot(page, '10-launch-bad-row-refused');

    await page.getByLabel('跳过有问题的行').check();
    expect(await page.locator('#launch').isDisabled()).toBe(false);
    await page.locator('#launch').click();
    await expect.poll(() => page.locator('#launch-summary .notice').textContent(), { timeout: 30_000 }).toBe('活动「浏览器测试活动」：新启动 2 个单位，已在运行 0 个（跳过），未启动 0 个。');
    expect(await page.locator('#launch-summary').textContent()).toContain('名单第 4 行有错误，已按要求跳过。');
    await screenshot(page, '11-launch-skipped-bad-row');

    // The corrected roster: only the fixed unit is new; the others are counted as running.
    await upload(page, FIXED_ROSTER);
    expect(await page.locator('#roster-errors').count()).toBe(0);
    expect(await page.locator('#launch').isDisabled()).toBe(false);
    await page.locator('#launch').click();
    await expect.poll(() => page.locator('#launch-summary .notice').textContent(), { timeout: 30_000 }).toBe('活动「浏览器测试活动」：新启动 1 个单位，已在运行 2 个（跳过），未启动 0 个。');
    await screenshot(page, '12-launch-fixed-roster');

    await page.getByRole('link', { name: '到活动总览看新单位 →' }).click();
    await expect.poll(() => attrs(page.locator('#board tbody tr'), 'data-unit'), { timeout: 20_000 }).toEqual(['C01', 'C02', 'C03']);
    expect(await page.locator('#board tbody tr td:first-child').allTextContents()).toEqual(['红旗镇机关', '东风村党支部', '南岗镇机关']);
    expect(await page.locator('#board tr[data-unit="C02"] td').nth(2).textContent()).toBe('第二指导检查组');
    await screenshot(page, '13-board-after-launch');
    await context.close();
  });
});
