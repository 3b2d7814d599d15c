/**
 * The office page at 300 units, in a real browser: every open escalation (paged, all reachable)
 * and the full survey summary come from the server's aggregates over the read model. The units'
 * read-model rows are seeded (no workflows run: what the workers would have published), so the
 * test shows the page at a size where the old per-unit reads (60 units at most) were incomplete.
 * All deadlines are in 2009: 红黄绿 and overdue are the same on any day the test runs.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveBoard, unitRagAt } from '../../activities/status/board-derive.js';
import { openSqliteStatusStore } from '../../activities/status/sqlite-status-store.js';
import type { UnitStatusRecord } from '../../activities/status/status-store.js';
import type { RosterUnit } from '../../domain/roster/types.js';
import { escalation, survey, task, unitRecord } from '../unit/status/support/board-fixtures.js';
import { screenshot, SCREENSHOTS } from './browser.js';
import { startConsole, type ConsoleRun } from './console-stack.js';

const UNITS = 300;
const pad = (n: number) => String(n).padStart(3, '0');
const groupOf = (i: number) => `G${String((i % 10) + 1).padStart(2, '0')}`;

function rosterUnit(i: number): RosterUnit {
  const g = groupOf(i);
  return {
    id: `U${pad(i)}`,
    name: `第${i}镇机关`,
    type: 'town_office',
    flags: [],
    head: { name: `书记${i}`, email: `head-${i}@u.example.cn` },
    liaison: { name: `联络员${i}`, mobile: '13800000000' },
    groupId: g,
    group: {
      id: g,
      name: `第${g.slice(1)}指导组`,
      members: [{ name: `${g}组长`, role: 'leader', sourceRow: 2 }],
    },
    sourceRow: i + 1,
  };
}

/** Unit i: every third has escalations (every ninth two), every second a survey, every tenth a second round. */
function published(campaignId: string, i: number): UnitStatusRecord {
  const escalations =
    i % 3 === 0
      ? [
          escalation('t1', (i % 4) + 1, { acknowledged: i % 2 === 0 }),
          ...(i % 9 === 0 ? [escalation('t2', 1)] : []),
        ]
      : [];
  const surveys = [
    ...(i % 2 === 0 ? [survey(1, i % 11)] : []),
    ...(i % 10 === 0 ? [survey(2, i % 3, { recordedAt: '2009-12-20T02:00:00.000Z' })] : []),
  ];
  const r = unitRecord(`U${pad(i)}`, {
    campaignId,
    groupId: groupOf(i),
    tasks: [
      task('t1', { escalationLevel: escalations[0]?.level ?? 0 }),
      task('t2', { status: i % 5 ? 'done' : 'open' }),
    ],
    openEscalations: escalations,
    surveys,
  });
  return {
    ...r,
    groupName: `第${groupOf(i).slice(1)}指导组`,
    status: { ...r.status, unitName: `第${i}镇机关` },
  };
}

let run: ConsoleRun;
let records: UnitStatusRecord[];

/** The read model as the workers would have published it for 300 units. */
async function seedReadModel(tmp: string, campaignId: string): Promise<void> {
  records = Array.from({ length: UNITS }, (_, k) => published(campaignId, k + 1));
  const status = openSqliteStatusStore(path.join(tmp, 'delivery.sqlite'));
  for (const r of records) await status.publish(r);
  await status.close();
}

beforeAll(async () => {
  run = await startConsole({
    name: 'board',
    units: Array.from({ length: UNITS }, (_, k) => rosterUnit(k + 1)),
    stages: ['study'],
    seed: seedReadModel,
    stack: { rateLimitPerMinute: 100_000 },
  });
});

afterAll(async () => run?.close());

const office = (): Promise<Page> => run.loginAs('office');

describe('office page at 300 units', () => {
  it('shows every open escalation, the full survey summary and the counts of all 300 units', async () => {
    const page = await office();
    const now = new Date().toISOString();
    const rag = { red: 0, amber: 0, green: 0 } as Record<string, number>;
    for (const r of records) rag[unitRagAt(deriveBoard(r).unit, now)]! += 1;
    await expect
      .poll(() => page.locator('#counts .stat-value').first().textContent(), { timeout: 20_000 })
      .toBe('300');
    expect(await page.locator('#rag-counts .stat-value').allTextContents()).toEqual([
      String(rag.red),
      String(rag.amber),
      String(rag.green),
    ]);
    expect(await page.locator('#units .filters .muted').textContent()).toBe('共 300 个单位');
    expect(await page.locator('#board tbody tr').count()).toBe(100);

    // Every open escalation, page by page.
    const want = records
      .flatMap((r) => r.status.openEscalations.map((e) => `${r.unitId}/${e.taskId}/${e.level}`))
      .sort();
    expect(want.length).toBeGreaterThan(100);
    const unacked = records.flatMap((r) => r.status.openEscalations).filter((e) => !e.acknowledged).length;
    const panel = page.locator('#escalation-list');
    await expect
      .poll(() => panel.locator('#escalation-counts').textContent(), { timeout: 20_000 })
      .toBe(`未结束的督办 ${want.length} 条，其中未确认 ${unacked} 条。`);
    const seen: string[] = [];
    for (let p = 0; p < 10; p++) {
      const rows = panel.locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
      const first = await rows.first().getAttribute('data-unit');
      for (const row of await rows.all())
        seen.push(
          `${await row.getAttribute('data-unit')}/${await row.getAttribute('data-task')}/${await row.getAttribute('data-level')}`,
        );
      if (p === 0) {
        // Highest level first.
        expect(await rows.first().getAttribute('data-level')).toBe('4');
        await panel.screenshot({ path: path.join(SCREENSHOTS, '30-office-300-escalations.png') });
      }
      const next = panel.getByRole('button', { name: '下一页' });
      if (await next.isDisabled()) break;
      await next.click();
      await expect.poll(() => rows.first().getAttribute('data-unit'), { timeout: 10_000 }).not.toBe(first);
    }
    expect(seen.sort()).toEqual(want);

    // The survey summary: every surveyed unit, every round's totals.
    const surveyed = records.filter((r) => r.status.surveys.length > 0);
    const latest = surveyed.map((r) => r.status.surveys.at(-1)!);
    const summary = page.locator('#survey-summary');
    await expect
      .poll(() => summary.textContent(), { timeout: 20_000 })
      .toBe(
        `已录入测评 ${surveyed.length} 个单位，按最近一次结果需补课 ${latest.filter((s) => s.remedialNeeded).length} 个。`,
      );
    const rounds = [1, 2].map((round) => {
      const all = records.flatMap((r) => r.status.surveys.filter((s) => s.round === round));
      const sum = (k: 'satisfied' | 'basicallySatisfied' | 'dissatisfied' | 'respondents') =>
        String(all.reduce((t, s) => t + s[k], 0));
      return [
        `第 ${round} 次`,
        String(all.length),
        sum('satisfied'),
        sum('basicallySatisfied'),
        sum('dissatisfied'),
        sum('respondents'),
        String(all.filter((s) => s.remedialNeeded).length),
      ];
    });
    const cells = async (i: number) =>
      page.locator('#survey-rounds tbody tr').nth(i).locator('td').allTextContents();
    expect([await cells(0), await cells(1)]).toEqual(rounds);
    expect(await page.locator('#survey-units .stack-row').count()).toBe(20);
    await page.locator('#surveys').screenshot({ path: path.join(SCREENSHOTS, '31-office-300-surveys.png') });
    await page.screenshot({ path: path.join(SCREENSHOTS, '32-office-300-top.png') });
    await screenshot(page, '33-office-300-page');
  });
});
