/**
 * The office's command line against a live campaign on the dev server: start (idempotent, refusal
 * of a bad roster and of units the plan does not serve), status overview from visibility, one
 * unit's status, submit with a file, review, survey, batch pause by 指导组, overdue, the Excel
 * report checked cell by cell, and the digest emails on the loopback SMTP server.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILDERS,
  runOverdue,
  runReport,
  runStart,
  runStatus,
  runUpdate,
  runDigestSchedule,
  type CliContext,
  type UpdateOptions,
} from '../../../client/commands/campaign.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import { unitStatus } from '../../../app/unit-operations.js';
import { RAG_LABELS, ragOf } from '../../../app/report/collect.js';
import { RAG_FILLS, SHEET_NAMES } from '../../../app/report/xlsx.js';
import { CAMPAIGN_DIGEST_WORKFLOW_TYPE } from '../../../workflows/digest/messages.js';
import { digestScheduleId, unitWorkflowId } from '../../../workflows/ids.js';
import { uniqueName } from '../../support/unique.js';
import { readDocx } from '../../unit/report/docx-xml.js';
import { FIXTURES, GROUPS, PLAN, UNITS, eventually, startHarness, type Harness } from './harness.js';
import { untilAllOverdue } from './fixture-campaign.js';

let h: Harness;
let campaign: string;
const out: string[] = [];
const ctx = (): CliContext => ({ client: h.client, status: h.status, print: (l) => out.push(l) });
const take = () => out.splice(0, out.length).join('\n');
const OFFICE = path.join(FIXTURES, 'office.yaml');

beforeAll(async () => {
  h = await startHarness();
  campaign = uniqueName('cli');
});
afterAll(async () => {
  await h?.close();
});

const start = (extra: Partial<Parameters<typeof runStart>[0]> = {}) =>
  runStart(
    {
      plan: PLAN,
      roster: UNITS,
      groups: GROUPS,
      campaign,
      start: new Date().toISOString(),
      taskQueue: h.taskQueue,
      office: OFFICE,
      ...extra,
    },
    ctx(),
  );

describe('campaign start', () => {
  it('refuses a roster with errors and starts nothing', async () => {
    const other = uniqueName('bad');
    const code = await start({ roster: path.join(FIXTURES, 'units-bad.csv'), campaign: other });
    expect(code).toBe(1);
    const text = take();
    expect(text).toContain('没有启动任何单位');
    expect(text).toMatch(/第 3 行.*第一责任人手机/);
    expect(text).toContain('--skip-bad-rows');
    expect((await h.client.workflow.count(`CampaignId = '${other}'`)).count).toBe(0);
  });

  it('with --skip-bad-rows starts the good rows only', async () => {
    const other = uniqueName('skip');
    await start({
      roster: path.join(FIXTURES, 'units-bad.csv'),
      campaign: other,
      skipBadRows: true,
      json: true,
    });
    const r = JSON.parse(take()) as { started: number; skippedRows: number[] };
    expect(r.started).toBe(2);
    expect(r.skippedRows).toEqual([3]);
    await eventually(async () =>
      (await h.client.workflow.count(`CampaignId = '${other}'`)).count === 2 ? true : undefined,
    );
    for (const u of ['T01', 'T03'])
      await h.client.workflow.getHandle(unitWorkflowId(other, u)).terminate('test cleanup');
  });

  it('starts each unit the plan serves, refuses the others with the reason, and is idempotent', async () => {
    expect(await start()).toBe(1); // one unit refused
    const first = take();
    expect(first).toContain('新启动 3 个单位，已在运行 0 个（跳过），未启动 1 个');
    expect(first).toContain(
      '未启动 西湾村党总支（V04）：方案「接口测试活动」不适用于农村党组织（村）（名单第 5 行）',
    );

    await start({ json: true });
    const again = JSON.parse(take()) as { started: number; alreadyRunning: number; refused: number };
    expect(again).toMatchObject({ started: 0, alreadyRunning: 3, refused: 1 });
  });
});

describe('campaign status and overdue', () => {
  it('counts units by stage, type and 指导组 from visibility', async () => {
    // convey_spirit is due 2 s after the start: every unit soon has one overdue item.
    await untilAllOverdue(h, campaign);
    await runStatus({ campaign, plan: PLAN, roster: UNITS, groups: GROUPS, json: true }, ctx());
    const ov = JSON.parse(take()) as {
      total: number;
      running: number;
      overdueUnits: number;
      byStage: unknown[];
      byUnitType: unknown[];
      byGroup: unknown[];
      method: string;
    };
    expect(ov).toMatchObject({ total: 3, running: 3, overdueUnits: 3 });
    expect(ov.byStage).toEqual([{ value: 'study', count: 3 }]);
    expect(ov.byUnitType).toEqual([{ value: 'town_office', count: 3 }]);
    expect(ov.byGroup).toEqual([
      { value: 'G1', count: 2 },
      { value: 'G2', count: 1 },
    ]);

    await runStatus({ campaign, plan: PLAN }, ctx());
    const text = take();
    expect(text).toContain(`活动「${campaign}」：共 3 个单位，运行中 3 个，有逾期事项 3 个`);
    expect(text).toContain('按阶段：学习调研阶段 3');
    expect(text).toContain('按指导组：G1 2，G2 1');
  });

  it('lists overdue items with lateness and escalation level', async () => {
    await eventually(
      async () => {
        const s = await unitStatus(h, campaign, 'T03');
        return s.tasks.find((t) => t.taskId.includes('convey_spirit'))!.escalationLevel >= 3
          ? true
          : undefined;
      },
      30_000,
      'escalation to level 3',
    );
    await runOverdue({ campaign, group: 'G2' }, ctx());
    const text = take();
    expect(text).toMatch(/逾期事项 1 项（1 个单位）/);
    expect(text).toMatch(/东岭镇机关（T03，G2）\s+传达上级精神.*督办第 3 级（指导组督办）/);
  });
});

describe('unit operations', () => {
  const opts = (o: Partial<UpdateOptions>): UpdateOptions => ({ campaign, ...o });
  const taskOf = async (unit: string, step: string) =>
    (await unitStatus(h, campaign, unit)).tasks.find((t) => t.taskId.includes(step))!;

  it('submits with a file: the file is stored by content hash and only its reference reaches the workflow', async () => {
    const task = await taskOf('T01', 'implementation_plan');
    const uploads = path.join(h.tmp, 'uploads');
    const code = await runUpdate(
      'submit',
      opts({
        unit: 'T01',
        task: task.taskId,
        summary: '实施方案已经党委会讨论通过',
        file: [path.join(FIXTURES, 'plan.pdf')],
        uploads,
      }),
      BUILDERS.submit,
      ctx(),
    );
    expect(code).toBe(0);
    expect(take()).toContain('已报送：青山镇机关（T01）');
    expect((await taskOf('T01', 'implementation_plan')).status).toBe('submitted');
    const store = localUploadStore(uploads);
    const { ref } = await store.put(Buffer.from('%PDF-1.4\n% test deliverable\n'));
    expect(existsSync(store.pathOf(ref))).toBe(true);
    const history = await h.client.workflow.getHandle(unitWorkflowId(campaign, 'T01')).fetchHistory();
    const json = JSON.stringify(history);
    expect(json).not.toContain('test deliverable');
  });

  it('records a 督导记录 into the unit’s 大事记 (campaign supervise), and refuses the unit itself', async () => {
    const summary = ['到单位督导检查', '列席专题民主生活会'];
    expect(
      await runUpdate('supervise', opts({ unit: 'T01', by: 'G1-m1', summary }), BUILDERS.supervise, ctx()),
    ).toBe(0);
    expect(take()).toContain('已记录督导情况：青山镇机关（T01）');
    await eventually(
      async () =>
        (await unitStatus(h, campaign, 'T01')).timeline.some(
          (e) => e.text === '指导组督导记录：到单位督导检查；列席专题民主生活会',
        ) || undefined,
      20_000,
      'the 督导记录 in the read model',
    );
    expect(
      await runUpdate(
        'supervise',
        opts({ unit: 'T01', by: 'T01-liaison', summary: ['自评'] }),
        BUILDERS.supervise,
        ctx(),
      ),
    ).toBe(1);
    expect(take()).toContain('by：「T01-liaison」不是青山镇机关的指导组成员或活动办，无权进行此操作');
  });

  it('refuses a review by someone outside the unit’s 指导组 and changes nothing', async () => {
    const task = await taskOf('T01', 'implementation_plan');
    const code = await runUpdate(
      'review',
      opts({ unit: 'T01', task: task.taskId, by: 'G2-m1' }),
      BUILDERS.review,
      ctx(),
    );
    expect(code).toBe(1);
    expect(take()).toContain('reviewedBy：「G2-m1」不是青山镇机关的指导组成员或活动办，无权进行此操作');
    expect((await taskOf('T01', 'implementation_plan')).status).toBe('submitted');
  });

  it('returns with reasons, then approves on resubmission', async () => {
    const task = await taskOf('T01', 'implementation_plan');
    expect(
      await runUpdate(
        'review',
        opts({ unit: 'T01', task: task.taskId, by: 'G1-m1', return: true, reason: ['措施不够具体'] }),
        BUILDERS.review,
        ctx(),
      ),
    ).toBe(0);
    take();
    const returned = await taskOf('T01', 'implementation_plan');
    expect(returned.status).toBe('returned');
    expect(returned.lastReturn?.reasons).toEqual(['措施不够具体']);
    expect(
      await runUpdate(
        'submit',
        opts({
          unit: 'T01',
          task: task.taskId,
          summary: '已按意见修改',
          uploads: path.join(h.tmp, 'uploads'),
        }),
        BUILDERS.submit,
        ctx(),
      ),
    ).toBe(0);
    expect(
      await runUpdate(
        'review',
        opts({ unit: 'T01', task: task.taskId, by: 'G1-m2' }),
        BUILDERS.review,
        ctx(),
      ),
    ).toBe(0);
    take();
    expect((await taskOf('T01', 'implementation_plan')).status).toBe('done');
  });

  it('records a survey and reports the workflow’s field errors for a bad one', async () => {
    const bad = await runUpdate(
      'survey',
      opts({ unit: 'T02', satisfied: '10', basicallySatisfied: '5', dissatisfied: '5', respondents: '25' }),
      BUILDERS.survey,
      ctx(),
    );
    expect(bad).toBe(1);
    expect(take()).toContain('respondents');
    expect(
      await runUpdate(
        'survey',
        opts({
          unit: 'T02',
          satisfied: '30',
          basicallySatisfied: '15',
          dissatisfied: '5',
          method: '集中评议',
        }),
        BUILDERS.survey,
        ctx(),
      ),
    ).toBe(0);
    take();
    const s = await unitStatus(h, campaign, 'T02');
    expect(s.surveys).toHaveLength(1);
    expect(s.surveys[0]).toMatchObject({
      satisfied: 30,
      basicallySatisfied: 15,
      dissatisfied: 5,
      respondents: 50,
      method: '集中评议',
      remedialNeeded: false,
    });
  });

  it('pauses a batch by 指导组 and leaves other groups running', async () => {
    const code = await runUpdate('pause', opts({ group: 'G1', reason: ['秋收农忙'] }), BUILDERS.pause, ctx());
    expect(code).toBe(0);
    expect(take()).toContain('批量暂停：符合条件的运行中单位 2 个，成功 2 个，失败 0 个');
    expect((await unitStatus(h, campaign, 'T01')).phase).toBe('paused');
    expect((await unitStatus(h, campaign, 'T02')).phase).toBe('paused');
    expect((await unitStatus(h, campaign, 'T03')).phase).toBe('running');
    // Pausing again is refused by each workflow: reported per unit.
    expect(await runUpdate('pause', opts({ group: 'G1' }), BUILDERS.pause, ctx())).toBe(1);
    expect(take()).toMatch(/失败 2 个[\s\S]*T01：/);
    expect(await runUpdate('resume', opts({ group: 'G1' }), BUILDERS.resume, ctx())).toBe(0);
    take();
    expect((await unitStatus(h, campaign, 'T01')).phase).toBe('running');
  });
});

describe('campaign report', () => {
  it('writes the four sheets, checked cell by cell', async () => {
    const file = path.join(h.tmp, 'report.xlsx');
    expect(await runReport({ campaign, xlsx: file }, ctx())).toBe(0);
    expect(take()).toContain(`报表已写入 ${file}：3 个单位`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    expect(book.worksheets.map((w) => w.name)).toEqual([
      SHEET_NAMES.units,
      SHEET_NAMES.overdue,
      SHEET_NAMES.escalations,
      SHEET_NAMES.surveys,
    ]);

    const units = book.getWorksheet(SHEET_NAMES.units)!;
    expect(units.getRow(1).values).toEqual([
      undefined,
      '单位编号',
      '单位名称',
      '单位类型',
      '指导组',
      '当前阶段',
      '状态',
      '已完成事项',
      '事项总数',
      '逾期事项',
      '补课轮次',
      '流程',
      '备注',
    ]);
    const rows = new Map<string, ExcelJS.Row>();
    units.eachRow((row, n) => {
      if (n > 1) rows.set(row.getCell(1).text, row);
    });
    expect([...rows.keys()]).toEqual(['T01', 'T02', 'T03']);
    for (const [id, row] of rows) {
      const s = await unitStatus(h, campaign, id);
      expect(row.getCell(2).value).toBe(s.unitName);
      expect(row.getCell(3).value).toBe('镇机关');
      expect(row.getCell(4).value).toBe(id === 'T03' ? 'G2' : 'G1');
      expect(row.getCell(5).value).toBe('学习调研阶段');
      const rag = ragOf(s);
      expect(row.getCell(6).value).toBe(RAG_LABELS[rag]);
      expect((row.getCell(6).fill as ExcelJS.FillPattern).fgColor?.argb).toBe(RAG_FILLS[rag]);
      expect(row.getCell(7).value).toBe(
        s.tasks.filter((t) => t.status === 'done' || t.status === 'waived').length,
      );
      expect(row.getCell(8).value).toBe(s.tasks.length);
      expect(row.getCell(9).value).toBe(s.overdueCount);
      expect(row.getCell(11).value).toBe('进行中');
    }
    expect(rows.get('T01')!.getCell(7).value).toBe(1); // the approved implementation plan
    // T03 was never paused: its convey_spirit reached 指导组督办 (level 3), so it is red.
    expect(rows.get('T03')!.getCell(6).value).toBe('红');

    const overdue = book.getWorksheet(SHEET_NAMES.overdue)!;
    expect(overdue.getRow(1).values).toEqual([
      undefined,
      '单位编号',
      '单位名称',
      '指导组',
      '事项',
      '截止时间',
      '逾期',
      '督办级别',
      '督办方式',
      '现状',
      '完成时间',
    ]);
    const overdueRows: ExcelJS.Row[] = [];
    overdue.eachRow((row, n) => {
      if (n > 1) overdueRows.push(row);
    });
    expect(overdueRows.map((r) => r.getCell(1).value).sort()).toEqual(['T01', 'T02', 'T03']);
    for (const row of overdueRows) {
      const s = await unitStatus(h, campaign, row.getCell(1).text);
      const t = s.tasks.find((x) => x.overdue)!;
      expect(row.getCell(2).value).toBe(s.unitName);
      expect(row.getCell(4).value).toBe('传达上级精神');
      expect(row.getCell(5).text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      // The highest rung ever sent for the item: a resume re-arms the ladder (current level 0) but keeps what was sent.
      expect(Number(row.getCell(7).value)).toBeGreaterThanOrEqual(t.escalationLevel);
      expect(Number(row.getCell(7).value)).toBeGreaterThan(0);
      expect(row.getCell(9).value).toBe('仍逾期');
    }
    expect(overdueRows.find((r) => r.getCell(1).value === 'T03')!.getCell(7).value).toBeGreaterThanOrEqual(3);
    expect(overdueRows.find((r) => r.getCell(1).value === 'T03')!.getCell(8).value).toBe('指导组督办');

    const esc = book.getWorksheet(SHEET_NAMES.escalations)!;
    expect(esc.getRow(1).values).toEqual([
      undefined,
      '单位编号',
      '单位名称',
      '指导组',
      '事项',
      '级别',
      '督办方式',
      '发出时间',
      '重复次数',
      '已确认',
      '确认时间',
      '确认人',
      '送达对象',
      '办结情况',
      '办结时间',
    ]);
    const t03esc = (await unitStatus(h, campaign, 'T03')).openEscalations;
    expect(t03esc.length).toBeGreaterThan(0);
    const escRows: unknown[][] = [];
    esc.eachRow((row, n) => {
      if (n > 1 && row.getCell(1).value === 'T03')
        escRows.push([row.getCell(5).value, row.getCell(6).value, row.getCell(9).value]);
    });
    expect(escRows).toEqual(
      [...t03esc]
        .sort((a, b) => b.level - a.level)
        .map((e) => [e.level, e.label, e.acknowledged ? '是' : '否']),
    );

    const surveys = book.getWorksheet(SHEET_NAMES.surveys)!;
    expect(surveys.rowCount).toBe(2);
    const sv = surveys.getRow(2);
    expect([
      sv.getCell(1).value,
      sv.getCell(4).value,
      sv.getCell(5).value,
      sv.getCell(6).value,
      sv.getCell(7).value,
      sv.getCell(8).value,
      sv.getCell(9).value,
      sv.getCell(10).value,
      sv.getCell(11).value,
    ]).toEqual(['T02', 1, '集中评议', 30, 15, 5, 50, 0.1, '否']);
    expect(sv.getCell(10).numFmt).toBe('0.0%');
  });
});

describe('digests', () => {
  it('a Schedule per campaign sends each 指导组 its overdue list and the office the weekly 简报 with the report', async () => {
    await runDigestSchedule(
      {
        campaign,
        plan: PLAN,
        roster: UNITS,
        groups: GROUPS,
        office: OFFICE,
        taskQueue: h.taskQueue,
        at: '08:30',
        calendar: 'continuous',
      },
      ctx(),
    );
    expect(take()).toContain(`已创建摘要计划 ${digestScheduleId(campaign)}`);
    const schedule = await h.client.schedule.getHandle(digestScheduleId(campaign)).describe();
    expect(schedule.spec.timezone).toBe('Asia/Shanghai');
    expect(schedule.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 8, end: 8, step: 1 }],
      minute: [{ start: 30, end: 30, step: 1 }],
    });

    const before = h.mailbox.messages().length;
    // The schedule's own run: a continuous calendar makes today a working day, so the daily lists go out.
    await h.client.schedule.getHandle(digestScheduleId(campaign)).trigger();
    // One mail per member (each recorded once in the delivery log): two for the first group, one for the second.
    // Escalation mails from the running units may arrive in between: count only the digests.
    const digests = await eventually(
      () => {
        const got = h.mailbox
          .messages()
          .slice(before)
          .filter((m) => m.subject?.includes('每日逾期清单'));
        return Promise.resolve(got.length >= 3 ? got : undefined);
      },
      30_000,
      'three daily digests',
    );
    expect(digests.map((m) => m.subject).sort()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^【接口测试活动】第一指导检查组每日逾期清单（\d{4}-\d{2}-\d{2}）：2项$/),
        expect.stringMatching(/^【接口测试活动】第二指导检查组每日逾期清单（\d{4}-\d{2}-\d{2}）：1项$/),
      ]),
    );
    const toOf = (m: (typeof digests)[number]) =>
      (Array.isArray(m.to) ? m.to : [m.to]).flatMap((a) => a?.value ?? []).map((a) => a.address);
    const g1s = digests.filter((m) => m.subject?.includes('第一指导检查组'));
    expect(g1s.flatMap(toOf).sort()).toEqual(['g1-m01@groups.example.cn', 'g1-m02@groups.example.cn']);
    const g1 = g1s[0]!;
    expect(g1.text).toContain('青山镇机关：“传达上级精神”');
    expect(g1.text).toContain('白沙镇机关：“传达上级精神”');
    expect(g1.text).not.toContain('东岭镇机关');

    // The weekly 简报, forced (the schedule sends it on the week's first working day).
    const beforeWeekly = h.mailbox.messages().length;
    await h.client.workflow.execute(CAMPAIGN_DIGEST_WORKFLOW_TYPE, {
      workflowId: uniqueName('digest-weekly'),
      taskQueue: h.taskQueue,
      args: [
        {
          campaignId: campaign,
          campaignTitle: '接口测试活动',
          office: [{ name: '孙主任', email: 'office-director@xuexi.example.gov.cn' }],
          groups: [],
          force: ['weekly'],
        },
      ],
    });
    // The units keep escalating meanwhile: pick the 简报 out of whatever else arrives.
    const weekly = await eventually(
      () =>
        Promise.resolve(
          h.mailbox
            .messages()
            .slice(beforeWeekly)
            .find((m) => m.subject?.includes('工作简报')),
        ),
      30_000,
      'the weekly 简报',
    );
    expect(weekly.subject).toMatch(/^【接口测试活动】工作简报（\d{4}-\d{2}-\d{2}）$/);
    expect(weekly.text).toContain('共有参学单位3个，其中进行中3个');
    expect(weekly.text).toContain('3个单位共3项工作逾期');
    const attachment = weekly.attachments.find((a) => a.filename?.endsWith('.xlsx'));
    expect(attachment?.filename).toMatch(new RegExp(`^${campaign}-进度报表-\\d{4}-\\d{2}-\\d{2}\\.xlsx$`));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(attachment!.content as unknown as ArrayBuffer);
    expect(book.getWorksheet(SHEET_NAMES.units)!.rowCount).toBe(4);
    // The Word 简报 rides along, and its 红黄绿 table says what the Excel report's 各单位进度 says.
    const word = weekly.attachments.find((a) => a.filename?.endsWith('.docx'));
    expect(word?.filename).toMatch(new RegExp(`^${campaign}-简报第\\d+期-\\d{4}-\\d{2}-\\d{2}\\.docx$`));
    const docx = await readDocx(word!.content);
    const fromExcel = new Map<string, number[]>();
    book.getWorksheet(SHEET_NAMES.units)!.eachRow((row, n) => {
      if (n === 1) return;
      const counts = fromExcel.get(row.getCell(5).text) ?? [0, 0, 0, 0];
      counts[['红', '黄', '绿'].indexOf(row.getCell(6).text)]! += 1;
      counts[3]! += 1;
      fromExcel.set(row.getCell(5).text, counts);
    });
    const byStage = docx.tables[0]!;
    expect(byStage[0]).toEqual(['阶段', '红', '黄', '绿', '合计']);
    expect(new Map(byStage.slice(1, -1).map((r) => [r[0]!, r.slice(1).map(Number)]))).toEqual(fromExcel);
    expect(byStage.at(-1)).toEqual([
      '合计',
      ...[0, 1, 2, 3].map((i) => String([...fromExcel.values()].reduce((s, c) => s + c[i]!, 0))),
    ]);
    await h.client.schedule.getHandle(digestScheduleId(campaign)).delete();
  });
});
