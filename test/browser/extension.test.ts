/**
 * 延期申请 in a real browser against a live campaign: a unit asks for more time on two tasks (one
 * within the 指导组's limit, one beyond it, 报活动办审批); the 指导组 sees both, may decide only the
 * first and approves it; a refusal without a comment is refused in Chinese; the office selects the
 * referred one and approves it in a batch. Screenshots go to test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitStatus } from '../../app/unit-operations.js';
import type { Stack } from '../../client/demo/stack.js';
import { screenshot } from './browser.js';
import { startFixtureCampaign, type ConsoleRun } from './console-stack.js';

const DAY = 86_400_000;

let run: ConsoleRun;
let stack: Stack;
let campaign: string;
let loginAs: ConsoleRun['loginAs'];

beforeAll(async () => {
  run = await startFixtureCampaign('ext');
  ({ stack, campaign, loginAs } = run);
});

afterAll(async () => run?.close());

/** Whether a deadline is on the given Beijing date or at its very end (continuous calendars: midnight after it). */
const onDate = (iso: string, date: string) => {
  const start = Date.parse(`${date}T00:00:00+08:00`);
  return Date.parse(iso) > start && Date.parse(iso) <= start + DAY;
};
const taskOf = async (unit: string, step: string) =>
  (await unitStatus(stack, campaign, unit)).tasks.find((t) => t.taskId.includes(step))!;
/** A Beijing date `days` after an instant, as the date input takes it. */
const dateAfter = (iso: string, days: number) =>
  new Date(Date.parse(iso) + days * DAY).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

describe('延期申请 in the console', () => {
  it('the unit asks; the 指导组 approves within its limit; the office approves the referred one in a batch', async () => {
    const unit = await loginAs('B01-liaison');
    // Once the page shows the unit, its status is published.
    await unit.locator('#extension-request li[data-task*="organised_study"]').waitFor({ timeout: 30_000 });
    const study = await taskOf('B01', 'organised_study');
    const plan = await taskOf('B01', 'implementation_plan');
    const row = (taskId: string) => unit.locator(`#extension-request li[data-task="${taskId}"]`);
    await row(study.taskId).waitFor({ timeout: 20_000 });

    // Within the 指导组's limit (one day later).
    const soon = dateAfter(study.dueAt, 1);
    await row(study.taskId).locator('input[name=newDue]').fill(soon);
    await row(study.taskId).locator('input[name=reason]').fill('党委换届，班子成员调整后需重新组织学习');
    await row(study.taskId).getByRole('button', { name: '申请延期' }).click();
    await expect
      .poll(() => row(study.taskId).locator('.notice').textContent(), { timeout: 20_000 })
      .toBe(`已申请将「精心组织学习」延至 ${soon}，等待审批。`);
    await row(study.taskId)
      .locator('.extension-pending[data-decider="supervisor_group"]')
      .waitFor({ timeout: 15_000 });

    // Beyond it (ten days): 报活动办审批.
    await row(plan.taskId).locator('input[name=newDue]').fill(dateAfter(plan.dueAt, 10));
    await row(plan.taskId).locator('input[name=reason]').fill('需待区委统一部署后修改');
    await row(plan.taskId).getByRole('button', { name: '申请延期' }).click();
    await row(plan.taskId).locator('.extension-pending[data-decider="office"]').waitFor({ timeout: 20_000 });
    expect(await row(plan.taskId).locator('.extension-pending').textContent()).toContain('报活动办审批中');
    const timeline = await unit.locator('#timeline').textContent();
    expect(timeline).toContain('申请延期：「精心组织学习」');
    // Continuous (demo) calendars count calendar days from the deadline's instant.
    expect(timeline).toMatch(
      /报活动办审批：「制定实施方案」延期 1[01] 个工作日，超过指导组审批权限（5 个工作日）/,
    );
    await screenshot(unit, '20-extension-unit-requested');

    // The 指导组 sees both; it may decide only the one within its limit.
    const group = await loginAs('G1-m1');
    const groupRow = (taskId: string) =>
      group.locator(`#extension-requests tr[data-unit="B01"][data-task="${taskId}"]`);
    await groupRow(study.taskId).waitFor({ timeout: 20_000 });
    expect(await groupRow(plan.taskId).textContent()).toContain('待活动办审批');
    expect(await groupRow(plan.taskId).getByRole('button', { name: '同意', exact: true }).count()).toBe(0);
    // 不同意 needs a comment: the workflow says so, naming the field.
    await groupRow(study.taskId).getByRole('button', { name: '不同意' }).click();
    await expect
      .poll(() => group.locator('#extension-requests .notice-error').textContent(), { timeout: 20_000 })
      .toContain('comment：不同意延期时请写明审批意见');
    await screenshot(group, '21-extension-group-list');
    await groupRow(study.taskId).getByRole('button', { name: '同意', exact: true }).click();
    await expect
      .poll(() => group.locator('#extension-requests .notice-ok').textContent(), { timeout: 20_000 })
      .toBe('已同意青山镇机关「精心组织学习」的延期申请。');
    await expect
      .poll(async () => onDate((await taskOf('B01', 'organised_study')).dueAt, soon), { timeout: 20_000 })
      .toBe(true);
    expect((await taskOf('B01', 'organised_study')).extensionRequest).toBeUndefined();

    // The office: the referred request, selected and approved in a batch.
    const office = await loginAs('office');
    const officeRow = office.locator(`#extension-requests tr[data-unit="B01"][data-task="${plan.taskId}"]`);
    await officeRow.waitFor({ timeout: 20_000 });
    await officeRow.locator('input[type=checkbox]').check();
    await office.locator('#extension-requests input[name=comment]').fill('同意，请按新期限完成');
    await screenshot(office, '22-extension-office-batch');
    await office.getByRole('button', { name: '同意所选（1）' }).click();
    await expect
      .poll(() => office.locator('#extension-requests .notice-ok').textContent(), { timeout: 20_000 })
      .toBe('批量同意：成功 1 项，失败 0 项');
    const approved = await taskOf('B01', 'implementation_plan');
    expect(onDate(approved.dueAt, dateAfter(plan.dueAt, 10))).toBe(true);
    expect(approved.extensionRequest).toBeUndefined();
    // The unit's open page shows the decision on its timeline without a reload.
    await expect
      .poll(() => unit.locator('#timeline').textContent(), { timeout: 20_000 })
      .toContain('同意延期：活动办同意「制定实施方案」延期至');
    await screenshot(unit, '23-extension-unit-decided');
  });
});
