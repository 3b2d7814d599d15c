/**
 * The web console in a real browser against a live campaign: each role logs in, a unit submits a
 * deliverable with a file, its 指导组 returns it and the unit's open page changes without reload,
 * and a unit's login cannot open another unit's page; the office launches more units from the
 * 发起活动 page (a bad row shown by number and refused until skipped, a corrected roster relaunched)
 * and they appear by name on the board. Screenshots go to test-results/screenshots/.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitStatus } from '../../app/unit-operations.js';
import type { Stack } from '../../client/demo/stack.js';
import type { Mailbox } from '../../toolchain/mailbox.js';
import { DESKTOP, PHONE, screenshot } from './browser.js';
import { FIXTURES, startFixtureCampaign, type ConsoleRun } from './console-stack.js';

/* 发起活动: a roster whose row 4 is bad, and the same roster corrected. */
const HEADER =
  '单位编号,单位名称,单位类型,标记,第一责任人,第一责任人邮箱,第一责任人手机,联络员,联络员邮箱,联络员手机,指导组,结对单位,结对单位邮箱';
const row = (id: string, name: string, type: string, headMobile: string, group: string) =>
  `${id},${name},${type},,李${id},head-${id}@units.example.cn,${headMobile},王${id},liaison-${id}@units.example.cn,1390000${id.slice(1)}01,${group},,`;
const GOOD = [
  row('C01', '红旗镇机关', '镇机关', '13800001101', 'G1'),
  row('C02', '东风村党支部', '村', '13800001102', 'G2'),
];
/** Row 4 of the file (header is row 1): a head's mobile with ten digits. */
const BAD_ROSTER = [HEADER, ...GOOD, row('C03', '南岗镇机关', '镇机关', '1380000110', 'G1')].join('\n');
const FIXED_ROSTER = [HEADER, ...GOOD, row('C03', '南岗镇机关', '镇机关', '13800001103', 'G1')].join('\n');

let run: ConsoleRun;
let stack: Stack;
let mailbox: Mailbox;
let campaign: string;
let tokens: Record<string, string>;
let loginAs: ConsoleRun['loginAs'];

beforeAll(async () => {
  run = await startFixtureCampaign('web');
  ({ stack, mailbox, campaign, tokens, loginAs } = run);
});

afterAll(async () => run?.close());

const attrs = async (l: Locator, name: string) =>
  Promise.all((await l.all()).map((x) => x.getAttribute(name)));

async function upload(page: Page, roster: string): Promise<void> {
  const FIXTURE_PLAN = await readFile(path.join(FIXTURES, 'browser_test.yaml'));
  const FIXTURE_GROUPS = await readFile(path.join(FIXTURES, 'groups.csv'));
  await page
    .getByLabel('活动计划（YAML）')
    .setInputFiles({ name: 'browser_test.yaml', mimeType: 'application/x-yaml', buffer: FIXTURE_PLAN });
  await page
    .getByLabel('参学单位名单（Excel，或 CSV）')
    .setInputFiles({ name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${roster}\n`) });
  await page
    .getByLabel('指导组表（名单是 CSV 时需要）')
    .setInputFiles({ name: '指导组.csv', mimeType: 'text/csv', buffer: FIXTURE_GROUPS });
  await page.getByRole('button', { name: '检查并预览' }).click();
  await page.locator('#launch-check').waitFor({ timeout: 20_000 });
}

const taskOf = async (unit: string, step: string) =>
  (await unitStatus(stack, campaign, unit)).tasks.find((t) => t.taskId.includes(step))!;

describe('web console', () => {
  it('refuses a wrong token with a Chinese message', async () => {
    const context = await run.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(stack.consoleUrl);
    await page.getByLabel('令牌').fill('co_not-a-real-token');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('令牌无效或已作废，请核对后重试');
    await screenshot(page, '01-login-refused');
  });

  it('unit liaison: sees its calendar and what is due, on a phone screen too', async () => {
    const page = await loginAs('B01-liaison');
    await expect
      .poll(() => page.locator('.unit-head h1').textContent(), { timeout: 20_000 })
      .toContain('青山镇机关');
    expect(await page.locator('#who').textContent()).toBe('参学单位 · 王芳');
    await page.locator('#due-next li[data-task*="implementation_plan"]').waitFor();
    expect(await page.locator('#calendar summary').first().textContent()).toContain('学习调研阶段');
    await screenshot(page, '02-unit-desktop');
    const archive = page.waitForEvent('download');
    await page.locator('#download-unit-archive').click();
    expect((await archive).suggestedFilename()).toBe('B01_青山镇机关_档案.zip');

    const phone = await loginAs('B01-liaison', PHONE);
    await phone.locator('#submit select').waitFor({ timeout: 20_000 });
    // Nothing wider than the phone: the unit page must not scroll sideways.
    const overflow = await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow as number).toBeLessThanOrEqual(0);
    await screenshot(phone, '03-unit-phone-390x844');
  });

  it('unit cannot open another unit: the page says so and shows none of its data', async () => {
    const page = await loginAs('B01-liaison');
    await page.goto(`${stack.consoleUrl}#/unit/B02`);
    const alert = page.getByRole('alert');
    await expect
      .poll(() => alert.textContent(), { timeout: 20_000 })
      .toBe('无权查看该单位：只能查看单位进度本单位（B01），无权访问单位「B02」');
    expect(await page.locator('.unit-head').count()).toBe(0);
    expect(await page.content()).not.toContain('白沙镇机关');
    await screenshot(page, '04-unit-refused-other-unit');
  });

  it('unit submits with a file; 指导组 returns it; the unit page shows the return live', async () => {
    const unit = await loginAs('B01-liaison');
    const task = await taskOf('B01', 'implementation_plan');
    await unit.locator('#submit select').selectOption(task.taskId);
    await unit.locator('#submit textarea').fill('实施方案已经党委会讨论通过');
    await unit.locator('#submit input[type=file]').setInputFiles({
      name: '实施方案.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% 实施方案\n%%EOF\n'),
    });
    await unit.getByRole('button', { name: '报送' }).click();
    await expect
      .poll(() => unit.locator('#submit .notice').textContent(), { timeout: 20_000 })
      .toBe('「制定实施方案」已报送（附 1 个文件），等待指导组审查。');
    const submitted = await taskOf('B01', 'implementation_plan');
    expect(submitted.status).toBe('submitted');
    expect(submitted.submissions).toBe(1);
    await unit
      .locator(`#review-results li[data-task="${task.taskId}"][data-status="submitted"]`)
      .waitFor({ timeout: 10_000 });
    await screenshot(unit, '05-unit-submitted');

    // The reviewers are told by email (the submitted event), the 组长 among them.
    const told = `campaign/${campaign}/unit/B01/task/${task.taskId}/submitted/1`;
    await expect
      .poll(
        () =>
          mailbox
            .messages()
            .filter((m) => m.headers.get('x-campaign-notification') === told)
            .map((m) => (m.to && !Array.isArray(m.to) ? m.to.value[0]?.address : '')),
        { timeout: 20_000 },
      )
      .toEqual(['g1-m01@groups.example.cn']);
    const group = await loginAs('G1-m1');
    await group.locator(`#waiting li[data-unit="B01"]`).waitFor({ timeout: 20_000 });
    // What waits, and for how long: the plan gives reviews 120 s, so it is the first day and within the limit.
    expect(await group.locator(`#waiting li[data-unit="B01"] .review-wait`).textContent()).toMatch(
      /^\s*·\s*等待审查（第 1 个工作日） · 审查时限 /,
    );
    expect(
      await unit.locator(`#review-results li[data-task="${task.taskId}"] .review-wait`).textContent(),
    ).toContain('等待审查（第 1 个工作日）');
    // Its own units only: B03 belongs to G2.
    await group.locator('#board tr[data-unit="B02"]').waitFor();
    expect(await group.locator('#board tr[data-unit="B03"]').count()).toBe(0);
    await screenshot(group, '06-group-home');
    await group.locator(`#waiting li[data-unit="B01"] a`).click();
    const review = group.locator(`#reviews .review[data-task="${task.taskId}"]`);
    await review.waitFor({ timeout: 20_000 });
    await review.getByRole('button', { name: '退回修改……' }).click();
    await review.locator('textarea').fill('征求意见范围不广，只征求了机关干部的意见\n整改时限没有写明');
    await screenshot(group, '07-group-returning');
    await review.getByRole('button', { name: '退回', exact: true }).click();
    await expect
      .poll(() => group.locator('#reviews .notice-ok').textContent(), { timeout: 20_000 })
      .toBe('已退回「制定实施方案」，单位会收到退回理由。');

    // The unit's page was never reloaded: polling brings the return and its reasons.
    const returned = unit.locator(`#review-results li[data-task="${task.taskId}"][data-status="returned"]`);
    await returned.waitFor({ timeout: 15_000 });
    expect(await returned.locator('.return-reasons li').allTextContents()).toEqual([
      '征求意见范围不广，只征求了机关干部的意见',
      '整改时限没有写明',
    ]);
    expect(await unit.locator(`#due-next li[data-task="${task.taskId}"] .tag-amber`).textContent()).toBe(
      '被退回，请修改后重新报送',
    );
    expect((await taskOf('B01', 'implementation_plan')).status).toBe('returned');
    await screenshot(unit, '08-unit-sees-return-live');
  });

  it('office: counts, board with 红黄绿 per stage, escalations, filter by 指导组', async () => {
    const page = await loginAs('office');
    await expect
      .poll(() => page.locator('#counts .stat-value').first().textContent(), { timeout: 20_000 })
      .toBe('3');
    await page.locator('#board tr[data-unit="B03"] a').waitFor({ timeout: 20_000 });
    // 传达上级精神 was due after 3 s and nobody held it: 指导组督办 (level 3) makes the study stage red.
    await expect
      .poll(() => page.locator('#board tr[data-unit="B03"] .rag').first().getAttribute('data-rag'), {
        timeout: 30_000,
      })
      .toBe('red');
    await expect
      .poll(() => page.locator('#escalation-list tbody tr').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await page.locator('#progress svg').waitFor({ timeout: 20_000 });
    await screenshot(page, '09-office-board');

    await page.getByLabel('指导组').selectOption('G2');
    await expect.poll(() => page.locator('#board tbody tr').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('#board tbody tr').getAttribute('data-unit')).toBe('B03');

    const download = page.waitForEvent('download');
    await page.locator('#download-report').click();
    expect((await download).suggestedFilename()).toBe(`${campaign}-进度报表.xlsx`);
  });

  it('office 资料归档: the Word 简报 downloads, the campaign archive builds with progress and downloads', async () => {
    const page = await loginAs('office');
    const briefing = page.waitForEvent('download');
    await page.locator('#download-briefing').click();
    expect((await briefing).suggestedFilename()).toBe(`${campaign}-工作简报.docx`);
    await page.locator('#start-campaign-archive').click();
    await expect
      .poll(() => page.locator('#campaign-archive').getAttribute('data-state'), { timeout: 60_000 })
      .toBe('done');
    expect(await page.locator('#campaign-archive .archive-progress').textContent()).toMatch(
      /^已生成：(\d+)\/\1 个单位/,
    );
    await page.locator('#archive').scrollIntoViewIfNeeded();
    await screenshot(page, '14-office-campaign-archive');
    const zip = page.waitForEvent('download');
    await page.locator('#download-campaign-archive').click();
    expect((await zip).suggestedFilename()).toBe(`${campaign}_活动档案.zip`);
  });

  it('office 发起活动: shows the bad row, refuses to launch until it is skipped, launches, relaunches the fixed roster, and the units appear on the board', async () => {
    const page = await loginAs('office');
    await page.locator('#go-launch').click();
    await page.getByRole('heading', { name: /^发起活动/ }).waitFor();

    await upload(page, BAD_ROSTER);
    const badRow = page.locator('#roster-errors tr[data-row="4"]');
    await badRow.waitFor();
    expect(await badRow.locator('td').nth(1).textContent()).toBe('4');
    expect(await badRow.textContent()).toContain('1380000110');
    expect(await page.locator('#roster-summary').textContent()).toBe(
      '名单：3 行单位，其中 2 个没有问题，第 4 行有错误。',
    );
    // The calendar of each kind in the roster: 镇机关 and 村 both served by the plan.
    expect(await attrs(page.locator('#calendar-preview [data-unit-type]'), 'data-unit-type')).toEqual([
      'town_office',
      'village',
    ]);
    expect(
      await page.locator('#calendar-preview [data-unit-type="town_office"] tr[data-task]').count(),
    ).toBeGreaterThan(1);
    expect(await page.locator('#calendar-preview [data-unit-type="town_office"] summary').textContent()).toBe(
      '镇机关 · 1 个单位',
    );
    expect(await page.locator('#launch').isDisabled()).toBe(true);
    await screenshot(page, '10-launch-bad-row-refused');

    await page.getByLabel('跳过有问题的行').check();
    expect(await page.locator('#launch').isDisabled()).toBe(false);
    await page.locator('#launch').click();
    await expect
      .poll(() => page.locator('#launch-summary .notice').textContent(), { timeout: 30_000 })
      .toBe('活动「浏览器测试活动」：新启动 2 个单位，已在运行 0 个（跳过），未启动 0 个。');
    expect(await page.locator('#launch-summary').textContent()).toContain(
      '名单第 4 行有错误，已按要求跳过。',
    );
    // Logins for the new units' liaisons and heads (the 指导组 members already had theirs), once, as a CSV.
    expect(await page.locator('#launch-tokens').textContent()).toContain(
      '已为 4 位单位联络员和第一责任人、0 位指导组成员发放登录令牌',
    );
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '下载登录令牌' }).click();
    const csvFile = await download;
    expect(csvFile.suggestedFilename()).toBe(`${campaign}-登录令牌.csv`);
    const csv = (await readFile(await csvFile.path(), 'utf8'))
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe('角色,姓名,人员编号,单位编号,指导组,邮箱,手机,令牌');
    const issuedRows = csv.slice(1).map((l) => l.split(','));
    expect(issuedRows.map((r) => r[2])).toEqual(['C01-liaison', 'C01-head', 'C02-liaison', 'C02-head']);
    tokens['C01-liaison'] = issuedRows[0]![7]!;
    await screenshot(page, '11-launch-skipped-bad-row');

    // The corrected roster: only the fixed unit is new; the others are counted as running.
    await upload(page, FIXED_ROSTER);
    expect(await page.locator('#roster-errors').count()).toBe(0);
    expect(await page.locator('#launch').isDisabled()).toBe(false);
    await page.locator('#launch').click();
    await expect
      .poll(() => page.locator('#launch-summary .notice').textContent(), { timeout: 30_000 })
      .toBe('活动「浏览器测试活动」：新启动 1 个单位，已在运行 2 个（跳过），未启动 0 个。');
    await screenshot(page, '12-launch-fixed-roster');

    await page.getByRole('link', { name: '到活动总览看新单位 →' }).click();
    // Beside the campaign's first units B01–B03.
    await expect
      .poll(() => attrs(page.locator('#board tbody tr'), 'data-unit'), { timeout: 20_000 })
      .toEqual(['B01', 'B02', 'B03', 'C01', 'C02', 'C03']);
    expect((await page.locator('#board tbody tr td:first-child').allTextContents()).slice(3)).toEqual([
      '红旗镇机关',
      '东风村党支部',
      '南岗镇机关',
    ]);
    expect(await page.locator('#board tr[data-unit="C02"] td').nth(2).textContent()).toBe('第二指导检查组');
    await screenshot(page, '13-board-after-launch');

    // The downloaded login works: the new unit's liaison sees its own unit.
    const unitPage = await loginAs('C01-liaison', PHONE);
    expect((await unitPage.locator('#who').textContent())?.trim()).toBe('参学单位 · 王C01');
  });
});
