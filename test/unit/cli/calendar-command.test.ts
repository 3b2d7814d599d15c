/**
 * `campaign calendar add | list` in-process, on a SQLite store and a recording stand-in for the
 * Temporal client: what is stored, which units get the Update, and what the office reads.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteCalendarStore } from '../../../app/calendar/sqlite-store.js';
import type { CalendarStore } from '../../../app/calendar/store.js';
import type { CalendarYearData } from '../../../domain/calendar/index.js';
import { runCalendarAdd, runCalendarList } from '../../../client/commands/calendar.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../../../examples/holidays-2027.yaml');
const EXAMPLE_ICS = path.resolve(import.meta.dirname, '../../../examples/holidays-2027.ics');

/** Two running units of two campaigns; unit b's deadline moves (2 items), unit a's does not. */
function fakeClient(sent: { workflowId: string; data: CalendarYearData }[], held = new Set<string>()) {
  const units = ['campaign/c1/unit/a', 'campaign/c2/unit/b'];
  return {
    workflow: {
      list: ({ query }: { query: string }) => {
        expect(query).toContain("ExecutionStatus = 'Running'");
        // What client.workflow.list gives: an async iterable of executions.
        const rows = units.map((workflowId) => ({ workflowId }));
        return {
          [Symbol.asyncIterator]: () =>
            rows[Symbol.iterator]() as unknown as AsyncIterator<{ workflowId: string }>,
        };
      },
      getHandle: (workflowId: string) => ({
        executeUpdate: (_def: unknown, { args }: { args: [CalendarYearData] }) => {
          sent.push({ workflowId, data: args[0] });
          const key = `${workflowId}|${args[0].hash}`;
          const applied = !held.has(key);
          held.add(key);
          return Promise.resolve({ applied, moved: applied && workflowId.endsWith('/b') ? 2 : 0 });
        },
      }),
    },
  } as unknown as Client;
}

describe('campaign calendar add | list', () => {
  let dir: string;
  let calendar: CalendarStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'calendar-cli-'));
    calendar = openSqliteCalendarStore(path.join(dir, 'notify.sqlite'));
  });
  afterEach(async () => {
    await calendar.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the 2027 file as version 1, sends its dates to every running unit and says what moved', async () => {
    const sent: { workflowId: string; data: CalendarYearData }[] = [];
    const lines: string[] = [];
    const client = fakeClient(sent);
    const code = await runCalendarAdd(
      EXAMPLE,
      { by: '王主任' },
      { client, calendar, print: (l) => lines.push(l) },
    );
    expect(code).toBe(0);
    expect(sent.map((s) => s.workflowId)).toEqual(['campaign/c1/unit/a', 'campaign/c2/unit/b']);
    expect(sent[0]!.data).toMatchObject({ year: 2027, version: 1 });
    expect(sent[0]!.data.days.find((d) => d.date === '2027-01-01')).toEqual({
      date: '2027-01-01',
      working: false,
      note: '元旦',
    });
    expect(lines[0]).toBe(
      '已载入 2027 年节假日安排（第 1 版）：国务院办公厅关于2027年部分节假日安排的通知（样例，非正式安排）',
    );
    expect(lines[1]).toBe(
      '已发送给正在进行的 2 个单位：2 个已更新日历，0 个此前已有该版本；1 个单位共 2 项期限落在放假日，已调整并通知单位',
    );

    // The same file again, and the ICS feed of the same notice (same days, same source): no new version.
    lines.length = 0;
    await runCalendarAdd(EXAMPLE, {}, { client, calendar, print: (l) => lines.push(l) });
    expect(lines[0]).toContain('与已存的第 1 版相同，未新增版本');
    expect(lines[1]).toContain('0 个已更新日历，2 个此前已有该版本');
    const ics = await runCalendarAdd(EXAMPLE_ICS, {}, { client, calendar, print: (l) => lines.push(l) });
    expect(ics).toBe(0);
    expect(lines.at(-2)).toContain('与已存的第 1 版相同');
    // A corrected file is the next version.
    const fixed = path.join(dir, 'fixed.yaml');
    await writeFile(
      fixed,
      (await readFile(EXAMPLE, 'utf8')).replace('days: [2027-06-09]', 'days: [2027-06-09, 2027-06-10]'),
    );
    await runCalendarAdd(fixed, { by: '王主任' }, { client, calendar, print: (l) => lines.push(l) });
    expect((await calendar.latest())[0]!.version).toBe(2);
    expect(sent.at(-1)!.data).toMatchObject({ version: 2 });

    lines.length = 0;
    await runCalendarList({}, { calendar, print: (l) => lines.push(l) });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^2027 年 第 2 版 {2}放假 30 天，调休上班 5 天/);
    expect(lines[1]).toContain('（王主任，');
  });

  it('refuses a broken file in Chinese with its problems, stores nothing and sends nothing', async () => {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'year: 2027\nsource: 通知\nholidays:\n  - name: 元旦\n    days: [2027-02-30]\n');
    const sent: { workflowId: string; data: CalendarYearData }[] = [];
    const lines: string[] = [];
    const code = await runCalendarAdd(
      file,
      {},
      { client: fakeClient(sent), calendar, print: (l) => lines.push(l) },
    );
    expect(code).toBe(1);
    expect(lines[0]).toBe(`${file} 未载入，请改正后重试：`);
    expect(lines[1]).toContain('第 5 行 holidays[1].days[1]：日期「2027-02-30」不是有效日期');
    expect(sent).toEqual([]);
    expect(await calendar.history()).toEqual([]);
  });
});
