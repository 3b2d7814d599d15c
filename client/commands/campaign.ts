/**
 * `campaign start | status | overdue | submit | review | survey | extend | waive | pause | resume |
 * cancel | ack | gap | shift | adhoc | report | tokens issue | api | digest schedule`: the office's
 * commands on a running campaign. Each `run…` function takes an already connected client and a
 * printer, so tests call them in-process; the commander actions only connect and set exit codes.
 */
import { reviewWaitText } from '../../domain/review-wait.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { formatLateness, overdueItems } from '../../app/overdue.js';
import { DEFAULT_OFFICE, liaisonId, loadOfficeFile, type Office } from '../../app/people.js';
import { stageTitle, unitTypeLabel } from '../../app/report/labels.js';
import {
  OPERATION_LABELS,
  runOperation,
  unitStatus,
  type Operation,
  type OperationRequests,
} from '../../app/unit-operations.js';
import { campaignOverview, type UnitFilter } from '../../app/visibility.js';
import { CampaignFailure, FAILURE_TYPES } from '../../domain/failures.js';
import { loadPlanFile } from '../../domain/plan/load-file.js';
import type { parseRosterFile as ParseRosterFile } from '../../domain/roster/parse-file.js';
import { UNIT_TYPE_IDS } from '../../domain/unit-types.js';
import type { UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';
import { connectClient } from '../connection.js';
import type { CampaignServices } from '../../app/services.js';
import { lazyStatusStore, openConfiguredStatusStore } from '../../app/status/open.js';
import { registerTokenCommands } from './tokens.js';

// Modules only some commands need (Excel, Word, the S3 SDK, roster files, schedules) are imported
// where those commands run, so `campaign status` starts without them.
const parseRosterFile: typeof ParseRosterFile = async (...a) =>
  (await import('../../domain/roster/parse-file.js')).parseRosterFile(...a);
import { progressBar } from './campaign/progress.js';
import { readStuckUnits, stuckUnitLines, unitHealthLine } from './campaign/health.js';

export type Print = (line: string) => void;
export interface CliContext extends CampaignServices {
  print: Print;
}

const DEFAULT_TASK_QUEUE = process.env.CAMPAIGN_TASK_QUEUE ?? 'campaign';
const DEFAULT_UPLOADS = process.env.CAMPAIGN_UPLOADS_DIR ?? '.data/uploads';

/** Failures the user can fix: printed as they are, exit code 1, no stack. */
class UsageError extends Error {}

async function officeFrom(file: string | undefined): Promise<Office> {
  if (file === undefined) return DEFAULT_OFFICE;
  const r = await loadOfficeFile(file);
  if (!r.ok) throw new UsageError(r.errors.join('\n'));
  return r.office;
}

// ───────────────────────────── start ─────────────────────────────

export interface StartOptions {
  plan: string;
  roster: string;
  groups?: string;
  campaign: string;
  start: string;
  skipBadRows?: boolean;
  taskQueue?: string;
  office?: string;
  concurrency?: string;
  json?: boolean;
}

export async function runStart(o: StartOptions, ctx: CliContext): Promise<number> {
  const { launchCampaign } = await import('../../app/launch.js');
  const { storedCalendarYears } = await import('../../app/calendar/open.js');
  let bar = progressBar(0, '');
  const r = await launchCampaign(ctx.client, {
    planPath: o.plan,
    rosterPath: o.roster,
    ...(o.groups ? { groupsPath: o.groups } : {}),
    campaignId: o.campaign,
    start: o.start,
    skipBadRows: o.skipBadRows ?? false,
    taskQueue: o.taskQueue ?? DEFAULT_TASK_QUEUE,
    office: await officeFrom(o.office),
    concurrency: Number(o.concurrency ?? 32),
    calendarYears: await storedCalendarYears(process.env),
    onPlanned: (n) => {
      if (!o.json) bar = progressBar(n, '启动中');
    },
    onUnitDone: () => bar.tick(),
  });
  if (r.ok) bar.done();
  if (o.json) {
    ctx.print(JSON.stringify(r, null, 2));
    return r.ok && r.refused === 0 ? 0 : 1;
  }
  if (!r.ok) {
    ctx.print('没有启动任何单位：');
    for (const e of r.errors) ctx.print(`  ${e}`);
    return 1;
  }
  ctx.print(`活动「${r.campaignId}」（${r.planTitle}）：`);
  ctx.print(
    `  新启动 ${r.started} 个单位，已在运行 ${r.alreadyRunning} 个（跳过），未启动 ${r.refused} 个；用时 ${(r.elapsedMs / 1000).toFixed(1)} 秒`,
  );
  if (r.skippedRows.length > 0)
    ctx.print(`  名单中有错误的第 ${r.skippedRows.join('、')} 行已按 --skip-bad-rows 跳过：`);
  if (r.skippedRows.length > 0) for (const e of r.rosterErrors) ctx.print(`    ${e.message}`);
  for (const u of r.units)
    if (u.outcome === 'refused') ctx.print(`  未启动 ${u.unitName}（${u.unitId}）：${u.reason}`);
  for (const w of r.calendarWarnings) ctx.print(`  警告：${w}`);
  return r.refused === 0 ? 0 : 1;
}

// ───────────────────────────── status ─────────────────────────────

const STATUS_CN: Record<string, string> = {
  pending: '未开始',
  open: '进行中',
  returned: '已退回',
  submitted: '待审查',
  done: '已完成',
  waived: '已免除',
};
const PHASE_CN: Record<string, string> = {
  running: '进行中',
  paused: '已暂停',
  completed: '已完成',
  cancelled: '已撤销',
};

function printUnitStatus(s: UnitCampaignStatus, print: Print): void {
  print(`${s.unitName}（${s.unitId}）  活动 ${s.campaignId}  计划 ${s.planId}`);
  print(
    `  状态：${PHASE_CN[s.phase] ?? s.phase}；当前阶段：${stageTitle(s.stage, s)}；逾期 ${s.overdueCount} 项；补课第 ${s.remedialRound} 轮${s.lookBackDone ? '；回头看已完成' : ''}`,
  );
  if (s.health) print(unitHealthLine(s.campaignId, s.unitId, s.health));
  for (const st of s.stages)
    print(
      `  [${st.status === 'complete' ? '完成' : st.status === 'open' ? '进行' : '未开'}] ${st.title}  ${st.opensAt.slice(0, 16)} → ${st.dueAt.slice(0, 16)}`,
    );
  const active = s.tasks.filter(
    (t) => t.status !== 'pending' && t.status !== 'done' && t.status !== 'waived',
  );
  if (active.length > 0) print('  待办事项：');
  for (const t of active) {
    print(
      `    ${t.taskId}  ${t.title}  ${t.review ? reviewWaitText(t.review) : (STATUS_CN[t.status] ?? t.status)}  截止 ${t.dueAt.slice(0, 16)}${t.overdue ? `  已逾期（督办第 ${t.escalationLevel} 级）` : ''}${t.lastReturn ? `  退回理由：${t.lastReturn.reasons.join('；')}` : ''}`,
    );
  }
  for (const v of s.surveys)
    print(
      `  测评第 ${v.round} 轮：满意 ${v.satisfied}，基本满意 ${v.basicallySatisfied}，不满意 ${v.dissatisfied}（${(v.dissatisfiedShare * 100).toFixed(1)}%）${v.remedialNeeded ? '，需补课' : ''}`,
    );
  for (const e of s.timeline.slice(-5)) print(`  ${e.at.slice(0, 19)}  ${e.text}`);
}

export interface StatusOptions {
  campaign: string;
  unit?: string;
  plan?: string;
  roster?: string;
  groups?: string;
  json?: boolean;
}

export async function runStatus(o: StatusOptions, ctx: CliContext): Promise<number> {
  if (o.unit !== undefined) {
    const s = await unitStatus(ctx, o.campaign, o.unit);
    if (o.json) ctx.print(JSON.stringify(s, null, 2));
    else printUnitStatus(s, ctx.print);
    return 0;
  }
  let stages: string[] | undefined;
  let groups: string[] | undefined;
  const titles = new Map<string, string>();
  if (o.plan) {
    const p = await loadPlanFile(o.plan);
    if (p.ok) {
      stages = p.plan.stages.map((s) => s.id);
      for (const s of p.plan.stages) titles.set(s.id, s.title);
    }
  }
  if (o.roster) {
    const r = await parseRosterFile(o.roster, {
      ...(o.groups ? { groupsPath: o.groups } : {}),
      channels: [],
      skipBadRows: true,
    });
    groups = r.groups.map((g) => g.id);
  }
  const [ov, stuck] = await Promise.all([
    campaignOverview(
      ctx.client,
      { campaignId: o.campaign },
      { ...(stages ? { stages } : {}), ...(groups ? { groups } : {}) },
    ),
    readStuckUnits(ctx, o.campaign),
  ]);
  if (o.json) {
    ctx.print(JSON.stringify({ ...ov, stuckUnits: stuck }, null, 2));
    return 0;
  }
  ctx.print(
    `活动「${o.campaign}」：共 ${ov.total} 个单位，运行中 ${ov.running} 个，有逾期事项 ${ov.overdueUnits} 个${stuck.length > 0 ? `，流程异常 ${stuck.length} 个` : ''}`,
  );
  for (const line of stuckUnitLines(o.campaign, stuck)) ctx.print(line);
  ctx.print(
    `  按阶段：${ov.byStage.map((b) => `${titles.get(b.value) ?? stageTitle(b.value)} ${b.count}`).join('，') || '无'}`,
  );
  ctx.print(
    `  按单位类型：${ov.byUnitType.map((b) => `${unitTypeLabel(b.value)} ${b.count}`).join('，') || '无'}`,
  );
  ctx.print(`  按指导组：${ov.byGroup.map((b) => `${b.value} ${b.count}`).join('，') || '无'}`);
  ctx.print(`  补课：${ov.byRemedialRound.map((b) => `第 ${b.value} 轮 ${b.count}`).join('，') || '无'}`);
  ctx.print(`  （${ov.queries} 次可见性计数查询，${ov.elapsedMs} 毫秒）`);
  return 0;
}

// ───────────────────────────── overdue ─────────────────────────────

export interface FilterOptions {
  campaign: string;
  unit?: string;
  unitType?: string;
  group?: string;
  stage?: string;
}

function filterOf(o: FilterOptions): UnitFilter {
  if (o.unitType !== undefined && !UNIT_TYPE_IDS.includes(o.unitType as never))
    throw new UsageError(`--unit-type：「${o.unitType}」不是单位类型（可用：${UNIT_TYPE_IDS.join('、')}）`);
  return {
    campaignId: o.campaign,
    ...(o.unit !== undefined ? { unitId: o.unit } : {}),
    ...(o.unitType !== undefined ? { unitType: o.unitType } : {}),
    ...(o.group !== undefined ? { group: o.group } : {}),
    ...(o.stage !== undefined ? { stage: o.stage } : {}),
  };
}

export async function runOverdue(o: FilterOptions & { json?: boolean }, ctx: CliContext): Promise<number> {
  const r = await overdueItems(ctx, filterOf(o));
  if (o.json) {
    ctx.print(JSON.stringify(r, null, 2));
    return 0;
  }
  if (r.items.length === 0) ctx.print(`活动「${o.campaign}」目前没有逾期事项`);
  else ctx.print(`活动「${o.campaign}」逾期事项 ${r.items.length} 项（${r.unitsQueried} 个单位）：`);
  for (const i of r.items) {
    ctx.print(
      `  ${i.unitName}（${i.unitId}，${i.group}）  ${i.title}  截止 ${i.dueAt.slice(0, 16)}  已逾期 ${formatLateness(i.hoursLate)}  督办第 ${i.escalationLevel} 级${i.escalationLabel ? `（${i.escalationLabel}）` : ''}${i.acknowledged ? '  已确认' : ''}`,
    );
  }
  for (const f of r.failures) ctx.print(`  无法读取 ${f.unitId}：${f.error}`);
  return 0;
}

// ───────────────────────────── updates, single and batch ─────────────────────────────

export interface UpdateOptions extends FilterOptions {
  by?: string;
  json?: boolean;
  concurrency?: string;
  [k: string]: unknown;
}

/** Builds the Update request from command-line options; `unitId` is the unit it goes to. */
export type RequestBuilder<Op extends Operation> = (
  o: UpdateOptions,
  unitId: string,
) => OperationRequests[Op] | Promise<OperationRequests[Op]>;

export async function runUpdate<Op extends Operation>(
  op: Op,
  o: UpdateOptions,
  build: RequestBuilder<Op>,
  ctx: CliContext,
): Promise<number> {
  const { runBatch } = await import('../../app/batch.js');
  const label = OPERATION_LABELS[op];
  if (o.unit !== undefined) {
    try {
      const s = await runOperation(ctx, o.campaign, o.unit, op, await build(o, o.unit));
      if (o.json) ctx.print(JSON.stringify(s, null, 2));
      else {
        ctx.print(`已${label}：${s.unitName}（${s.unitId}）`);
        printUnitStatus(s, ctx.print);
      }
      return 0;
    } catch (e) {
      if (!(e instanceof CampaignFailure)) throw e;
      if (o.json)
        ctx.print(
          JSON.stringify({ ok: false, error: FAILURE_TYPES[e.type].code, problems: e.problems }, null, 2),
        );
      else {
        ctx.print(`${label}未成功（${o.unit}）：`);
        for (const p of e.problems) ctx.print(`  ${p}`);
      }
      return 1;
    }
  }
  if (o.unitType === undefined && o.group === undefined && o.stage === undefined) {
    throw new UsageError('请用 --unit 指定单位，或用 --unit-type / --group / --stage 指定一批单位');
  }
  const first = await build(o, '');
  let bar = progressBar(0, '');
  const r = await runBatch(ctx, filterOf(o), op, () => first, {
    concurrency: Number(o.concurrency ?? 16),
    onMatched: (n) => {
      if (!o.json) bar = progressBar(n, label);
    },
    onUnitDone: () => bar.tick(),
  });
  bar.done();
  if (o.json) ctx.print(JSON.stringify(r, null, 2));
  else {
    ctx.print(
      `批量${label}：符合条件的运行中单位 ${r.matched} 个，成功 ${r.succeeded} 个，失败 ${r.failed} 个`,
    );
    for (const x of r.outcomes) if (!x.ok) ctx.print(`  ${x.unitId}：${x.error ?? ''}`);
  }
  return r.failed === 0 ? 0 : 1;
}

const str = (o: UpdateOptions, k: string): string | undefined =>
  typeof o[k] === 'string' ? o[k] : undefined;
const list = (o: UpdateOptions, k: string): string[] => (Array.isArray(o[k]) ? (o[k] as string[]) : []);
const int = (o: UpdateOptions, k: string): number => {
  const v = str(o, k);
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 0)
    throw new UsageError(
      `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}：「${String(v)}」不是非负整数`,
    );
  return n;
};
const by = (o: UpdateOptions) => o.by ?? DEFAULT_OFFICE.members[0]!.id;
const opt = <K extends string>(k: K, v: string | undefined): Partial<Record<K, string>> =>
  v === undefined ? {} : ({ [k]: v } as Record<K, string>);

/** Files named with --file are stored like API uploads; the workflow gets only their references. */
async function fileRefs(o: UpdateOptions): Promise<string[]> {
  const { openUploadStore, uploadStoreConfig } = await import('../api/uploads-config.js');
  const store = openUploadStore(uploadStoreConfig(process.env, str(o, 'uploads') ?? DEFAULT_UPLOADS));
  const refs = [...list(o, 'ref')];
  for (const f of list(o, 'file')) {
    let bytes: Buffer;
    try {
      bytes = await readFile(f);
    } catch {
      throw new UsageError(`--file：无法读取文件「${f}」`);
    }
    refs.push((await store.put(bytes)).ref);
  }
  return refs;
}

export const BUILDERS: { [Op in Operation]: RequestBuilder<Op> } = {
  submit: async (o, unitId) => ({
    taskId: str(o, 'task') ?? '',
    summary: str(o, 'summary') ?? '',
    fileRefs: await fileRefs(o),
    submittedBy: o.by ?? liaisonId(unitId),
  }),
  review: (o) => ({
    taskId: str(o, 'task') ?? '',
    reviewedBy: by(o),
    decision: o.return ? 'return' : 'approve',
    ...(list(o, 'reason').length > 0 ? { reasons: list(o, 'reason') } : {}),
    ...(list(o, 'failed').length > 0 ? { failedItems: list(o, 'failed') } : {}),
  }),
  acknowledge: (o) => ({
    taskId: str(o, 'task') ?? '',
    level: int(o, 'level'),
    by: by(o),
    ...opt('note', str(o, 'note')),
  }),
  extend: (o) => ({
    taskId: str(o, 'task') ?? '',
    newDue: str(o, 'to') ?? '',
    by: by(o),
    reason: list(o, 'reason').join('；'),
  }),
  addGap: (o) => ({
    by: by(o),
    title: str(o, 'title') ?? '',
    ...opt('note', str(o, 'note')),
    ...opt('due', str(o, 'due')),
  }),
  survey: (o) => {
    const satisfied = int(o, 'satisfied');
    const basicallySatisfied = int(o, 'basicallySatisfied');
    const dissatisfied = int(o, 'dissatisfied');
    const respondents =
      str(o, 'respondents') === undefined
        ? satisfied + basicallySatisfied + dissatisfied
        : int(o, 'respondents');
    return {
      by: by(o),
      satisfied,
      basicallySatisfied,
      dissatisfied,
      respondents,
      method: (str(o, 'method') ?? '无记名投票') as OperationRequests['survey']['method'],
    };
  },
  pause: (o) => ({ by: by(o), ...opt('reason', list(o, 'reason').join('；') || undefined) }),
  resume: (o) => ({
    by: by(o),
    ...opt('reason', list(o, 'reason').join('；') || undefined),
    ...opt('shiftBy', str(o, 'shiftBy')),
  }),
  shift: (o) => ({
    by: by(o),
    shift: str(o, 'shift') ?? '',
    ...opt('reason', list(o, 'reason').join('；') || undefined),
  }),
  waive: (o) => ({ by: by(o), taskId: str(o, 'task') ?? '', reason: list(o, 'reason').join('；') }),
  adhoc: (o) => ({
    by: by(o),
    title: str(o, 'title') ?? '',
    due: str(o, 'due') ?? '',
    ...opt('note', str(o, 'note')),
  }),
  cancel: (o) => ({ by: by(o), reason: list(o, 'reason').join('；') }),
};

// ───────────────────────────── report, tokens ─────────────────────────────

export async function runReport(
  o: FilterOptions & { xlsx?: string; docx?: string; date?: string; office?: string; json?: boolean },
  ctx: CliContext,
): Promise<number> {
  if (!o.xlsx && !o.docx) throw new UsageError('请用 --xlsx 或 --docx 指定输出文件（可同时指定）');
  const { collectReport } = await import('../../app/report/collect.js');
  const data = await collectReport(ctx, filterOf(o));
  if (o.xlsx) await (await import('../../app/report/xlsx.js')).writeReportFile(data, o.xlsx);
  const issue = o.docx
    ? await (
        await import('../../app/report/briefing-docx.js')
      ).writeBriefingFor(data, o.docx, {
        officeName: (await officeFrom(o.office)).name,
        ...(o.date ? { date: o.date } : {}),
      })
    : undefined;
  const failed = data.units.filter((u) => u.error).length;
  if (o.json)
    ctx.print(
      JSON.stringify(
        {
          file: o.xlsx,
          docx: o.docx,
          issue,
          units: data.units.length,
          overdue: data.overdue.length,
          escalations: data.escalations.length,
          surveys: data.surveys.length,
          failed,
        },
        null,
        2,
      ),
    );
  else {
    if (o.xlsx)
      ctx.print(
        `报表已写入 ${o.xlsx}：${data.units.length} 个单位，逾期事项 ${data.overdue.length} 项，督办 ${data.escalations.length} 条，测评 ${data.surveys.length} 条${failed > 0 ? `；${failed} 个单位无法读取状态（见“备注”列）` : ''}`,
      );
    if (o.docx) ctx.print(`简报第${issue}期（Word）已写入 ${o.docx}`);
  }
  return 0;
}

export interface TokensIssueOptions {
  campaign: string;
  roster: string;
  groups?: string;
  plan?: string;
  office?: string;
  store: string;
  handout: string;
}

async function runTokensIssue(o: TokensIssueOptions, print: Print): Promise<number> {
  const { issueTokens, writeTokenFiles } = await import('../api/tokens.js');
  const plan = o.plan ? await loadPlanFile(o.plan) : undefined;
  if (plan && !plan.ok) throw new UsageError(`--plan：方案有错误，请先运行 campaign plan check ${o.plan}`);
  const roster = await parseRosterFile(o.roster, {
    ...(o.groups ? { groupsPath: o.groups } : {}),
    channels: plan?.ok ? plan.plan.channels : ['email'],
  });
  if (!roster.usable) {
    print('名单有错误，没有发放令牌：');
    for (const e of roster.errors) print(`  ${e.message}`);
    return 1;
  }
  const { store, issued } = issueTokens(
    o.campaign,
    roster.units,
    await officeFrom(o.office),
    plan?.ok ? plan.plan.stages.map((s) => s.id) : [],
  );
  await writeTokenFiles(store, issued, o.store, o.handout);
  print(
    `已为活动「${o.campaign}」发放 ${issued.length} 个令牌：活动办 ${issued.filter((t) => t.role === 'office').length}，指导组成员 ${issued.filter((t) => t.role === 'group').length}，单位联络员和第一责任人 ${issued.filter((t) => t.role === 'unit').length}`,
  );
  print(`  服务器使用的令牌文件（只含哈希）：${o.store}`);
  print(`  分发给各人的令牌清单（请妥善保管，分发后删除）：${o.handout}`);
  return 0;
}

export interface DigestScheduleCliOptions {
  campaign: string;
  plan: string;
  roster: string;
  groups?: string;
  office?: string;
  at?: string;
  taskQueue?: string;
  calendar?: 'cn' | 'weekdays' | 'continuous';
}

export async function runDigestSchedule(o: DigestScheduleCliOptions, ctx: CliContext): Promise<number> {
  const { upsertDigestSchedule } = await import('../../app/digest-schedule.js');
  const plan = await loadPlanFile(o.plan);
  if (!plan.ok) throw new UsageError(`--plan：方案有错误，请先运行 campaign plan check ${o.plan}`);
  const roster = await parseRosterFile(o.roster, {
    ...(o.groups ? { groupsPath: o.groups } : {}),
    channels: plan.plan.channels,
    skipBadRows: true,
  });
  if (roster.fatal) throw new UsageError(`--roster：${roster.errors.map((e) => e.message).join('；')}`);
  const office = await officeFrom(o.office);
  if (!office.members.some((m) => m.email))
    ctx.print('提醒：活动办成员没有邮箱，每周简报不会发出（用 --office 指定含邮箱的活动办成员）');
  const r = await upsertDigestSchedule(ctx.client, {
    campaignId: o.campaign,
    campaignTitle: plan.plan.title,
    taskQueue: o.taskQueue ?? DEFAULT_TASK_QUEUE,
    office,
    units: roster.units,
    ...(o.at ? { at: o.at } : {}),
    ...(o.calendar ? { calendarKind: o.calendar } : {}),
    timeZone: plan.plan.timeZone,
  });
  const zone = plan.plan.timeZone === 'Asia/Shanghai' ? '北京时间' : `${plan.plan.timeZone} 时间`;
  ctx.print(
    `${r.created ? '已创建' : '已更新'}摘要计划 ${r.scheduleId}：每个工作日 ${o.at ?? '08:30'}（${zone}）向有逾期事项的指导组发送清单，每周第一个工作日向活动办发送简报（附 Excel 报表）`,
  );
  return 0;
}

// ───────────────────────────── registration ─────────────────────────────

const collect = (v: string, prev: string[] = []) => [...prev, v];

async function withClient(fn: (ctx: CliContext) => Promise<number>): Promise<void> {
  let code = 1;
  try {
    const c = await connectClient();
    const status = lazyStatusStore(() => openConfiguredStatusStore(process.env));
    try {
      code = await fn({ client: c.client, status, print: (l) => console.log(l) });
    } finally {
      await Promise.allSettled([c.close(), status.close()]);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof CampaignFailure) console.error(e.message);
    else console.error(`出错了：${(e as Error).message}`);
  }
  process.exitCode = code;
}

function filterOptions(c: Command, unitRequired = false): Command {
  c.requiredOption('--campaign <id>', '活动编号');
  if (unitRequired) c.requiredOption('--unit <id>', '单位编号');
  else {
    c.option('--unit <id>', '单位编号')
      .option('--unit-type <type>', `按单位类型批量（${UNIT_TYPE_IDS.join('、')}）`)
      .option('--group <id>', '按指导组批量')
      .option('--stage <id>', '按当前阶段批量')
      .option('--concurrency <n>', '批量时同时处理的单位数', '16');
  }
  return c
    .option('--by <person>', '操作人编号（默认活动办 office；报送默认本单位联络员）')
    .option('--json', '以 JSON 输出结果');
}

export function registerCampaignCommands(program: Command): void {
  program
    .command('start')
    .description('按方案和名单启动活动：每个单位一个流程；可重复运行，已启动的单位自动跳过')
    .requiredOption('--plan <file>', '方案文件（plans/*.yaml）')
    .requiredOption('--roster <file>', '单位名单（.xlsx 或 .csv）')
    .option('--groups <file>', '单独的指导组名单')
    .requiredOption('--campaign <id>', '活动编号，如 2009-batch3')
    .requiredOption('--start <date>', '活动开始日期（2009-09-15）或时刻')
    .option('--skip-bad-rows', '跳过名单中有错误的行，其余单位照常启动')
    .option('--task-queue <name>', 'worker 的任务队列', DEFAULT_TASK_QUEUE)
    .option('--office <file>', '活动办成员（YAML：name, members[id,name,email]）')
    .option('--concurrency <n>', '同时启动的单位数', '32')
    .option('--json', '以 JSON 输出结果')
    .action((o: StartOptions) => withClient((ctx) => runStart(o, ctx)));

  program
    .command('status')
    .description(
      '活动汇总（按阶段、单位类型、指导组、逾期、补课轮次计数），或用 --unit 查看一个单位的完整进度',
    )
    .requiredOption('--campaign <id>', '活动编号')
    .option('--unit <id>', '单位编号')
    .option('--plan <file>', '方案文件（服务器不支持分组计数时，用其中的阶段编号逐项计数）')
    .option('--roster <file>', '名单（服务器不支持分组计数时，用其中的指导组逐项计数）')
    .option('--groups <file>', '单独的指导组名单')
    .option('--json', '以 JSON 输出')
    .action((o: StatusOptions) => withClient((ctx) => runStatus(o, ctx)));

  const overdue = program.command('overdue').description('逾期事项：逾期多久、督办到第几级');
  filterOptions(overdue).action((o: FilterOptions & { json?: boolean }) =>
    withClient((ctx) => runOverdue(o, ctx)),
  );

  const update = <Op extends Operation>(
    name: string,
    op: Op,
    description: string,
    extra: (c: Command) => Command,
    unitRequired = false,
  ) => {
    const c = filterOptions(program.command(name).description(description), unitRequired);
    extra(c).action((o: UpdateOptions) => withClient((ctx) => runUpdate(op, o, BUILDERS[op], ctx)));
  };
  update(
    'submit',
    'submit',
    '报送材料（--file 上传文件，流程只记录文件引用）',
    (c) =>
      c
        .requiredOption('--task <id>', '事项编号')
        .requiredOption('--summary <text>', '简要说明')
        .option('--file <path>', '材料文件，可多次', collect)
        .option('--ref <sha256:…>', '已上传文件的引用，可多次', collect)
        .option('--uploads <dir>', '文件存放目录', DEFAULT_UPLOADS),
    true,
  );
  update(
    'review',
    'review',
    '审查材料：默认通过，--return 退回并写明理由',
    (c) =>
      c
        .requiredOption('--task <id>', '事项编号')
        .option('--return', '退回')
        .option('--reason <text>', '退回理由，可多次', collect)
        .option('--failed <item>', '未通过的检查项，可多次', collect),
    true,
  );
  update(
    'survey',
    'survey',
    '录入满意度测评结果',
    (c) =>
      c
        .requiredOption('--satisfied <n>', '满意人数')
        .requiredOption('--basically-satisfied <n>', '基本满意人数')
        .requiredOption('--dissatisfied <n>', '不满意人数')
        .option('--respondents <n>', '参评人数（默认三项之和）')
        .option('--method <m>', '集中评议、无记名投票或随机抽样', '无记名投票'),
    true,
  );
  update(
    'ack',
    'acknowledge',
    '确认督办',
    (c) =>
      c
        .requiredOption('--task <id>', '事项编号')
        .requiredOption('--level <n>', '督办级别')
        .option('--note <text>', '说明'),
    true,
  );
  update('gap', 'addGap', '增加回头看查缺补缺事项', (c) =>
    c
      .requiredOption('--title <text>', '事项名称')
      .option('--note <text>', '说明')
      .option('--due <date>', '截止时间'),
  );
  update('extend', 'extend', '延期一个事项', (c) =>
    c
      .requiredOption('--task <id>', '事项编号')
      .requiredOption('--to <date>', '新的截止日期或时刻')
      .requiredOption('--reason <text>', '延期理由', collect),
  );
  update('waive', 'waive', '免除一个事项', (c) =>
    c.requiredOption('--task <id>', '事项编号').requiredOption('--reason <text>', '免除理由', collect),
  );
  update('pause', 'pause', '暂停（单位或一批单位）', (c) => c.option('--reason <text>', '暂停理由', collect));
  update('resume', 'resume', '恢复；日期默认顺延暂停的天数', (c) =>
    c.option('--reason <text>', '说明', collect).option('--shift-by <duration>', '顺延时长，如 5wd、7d'),
  );
  update('shift', 'shift', '整体调整日期', (c) =>
    c
      .requiredOption('--shift <duration>', '顺延时长：5wd、7d、1mo、2h（只能推后）')
      .option('--reason <text>', '说明', collect),
  );
  update('adhoc', 'adhoc', '增加督办事项', (c) =>
    c
      .requiredOption('--title <text>', '事项名称')
      .requiredOption('--due <date>', '截止时间')
      .option('--note <text>', '说明'),
  );
  update('cancel', 'cancel', '撤销（单位或一批单位）', (c) =>
    c.requiredOption('--reason <text>', '撤销理由', collect),
  );

  const report = program
    .command('report')
    .description('导出 Excel 报表（各单位进度红黄绿、逾期事项、督办记录、测评结果）和/或 Word 版工作简报');
  filterOptions(report)
    .option('--xlsx <file>', 'Excel 报表输出文件')
    .option('--docx <file>', 'Word 版工作简报输出文件')
    .option('--date <date>', '简报日期 YYYY-MM-DD（默认今天）')
    .option('--office <file>', '活动办（YAML，简报报头署名）')
    .action(
      (o: FilterOptions & { xlsx?: string; docx?: string; date?: string; office?: string; json?: boolean }) =>
        withClient((ctx) =>
          runReport(
            {
              ...o,
              ...(o.xlsx ? { xlsx: path.resolve(o.xlsx) } : {}),
              ...(o.docx ? { docx: path.resolve(o.docx) } : {}),
            },
            ctx,
          ),
        ),
    );

  const tokens = program.command('tokens').description('API 令牌');
  tokens
    .command('issue')
    .description('按名单为活动办、指导组成员、单位联络员和第一责任人发放令牌（服务器只保存哈希）')
    .requiredOption('--campaign <id>', '活动编号')
    .requiredOption('--roster <file>', '单位名单')
    .option('--groups <file>', '单独的指导组名单')
    .option('--plan <file>', '方案文件（记录阶段编号供汇总使用）')
    .option('--office <file>', '活动办成员（YAML）')
    .requiredOption('--store <file>', '服务器令牌文件（JSON，只含哈希）')
    .requiredOption('--handout <file>', '分发清单（CSV，含令牌明文）')
    .action(async (o: TokensIssueOptions) => {
      try {
        process.exitCode = await runTokensIssue(o, (l) => console.log(l));
      } catch (e) {
        console.error((e as Error).message);
        process.exitCode = 1;
      }
    });
  registerTokenCommands(tokens);

  const digest = program.command('digest').description('指导组每日逾期清单与活动办每周简报');
  digest
    .command('schedule')
    .description('为活动创建（或更新）摘要计划（Temporal Schedule）')
    .requiredOption('--campaign <id>', '活动编号')
    .requiredOption('--plan <file>', '方案文件')
    .requiredOption('--roster <file>', '单位名单（取指导组成员邮箱）')
    .option('--groups <file>', '单独的指导组名单')
    .option('--office <file>', '活动办成员（YAML，含邮箱）')
    .option('--at <HH:mm>', '每天发送时间（按方案的时区，通常为北京时间）', '08:30')
    .option('--calendar <kind>', '工作日历：cn（法定节假日与调休）、weekdays、continuous', 'cn')
    .option('--task-queue <name>', 'worker 的任务队列', DEFAULT_TASK_QUEUE)
    .action((o: DigestScheduleCliOptions) => withClient((ctx) => runDigestSchedule(o, ctx)));
  digest
    .command('now')
    .description('立即按计划运行一次摘要（仍按工作日历判断当天发送哪些）')
    .requiredOption('--campaign <id>', '活动编号')
    .action((o: { campaign: string }) =>
      withClient(async (ctx) => {
        const { triggerDigestNow } = await import('../../app/digest-schedule.js');
        if (!(await triggerDigestNow(ctx.client, o.campaign))) {
          console.error(
            `活动 ${o.campaign} 还没有摘要计划：请先运行 campaign digest schedule --campaign ${o.campaign} …`,
          );
          return 1;
        }
        ctx.print('已触发本次摘要');
        return 0;
      }),
    );

  program
    .command('api')
    .description('启动 HTTP API（OpenAPI 文档在 /openapi.json）')
    .option(
      '--tokens <file>',
      'campaign tokens issue 生成的令牌文件（设置了 DATABASE_URL 与 CAMPAIGN_ID 时令牌在数据库中，不用此项）',
    )
    .option('--host <host>', '监听地址（默认 API_HOST，否则 127.0.0.1）')
    .option('--port <n>', '端口（默认 API_PORT，否则 8080）')
    .option('--uploads <dir>', '文件存放目录（默认 CAMPAIGN_UPLOADS_DIR，否则 .data/uploads）')
    .option('--max-upload-mb <n>', '单个文件上限（MB，默认 API_MAX_UPLOAD_MB，否则 20）')
    .action(
      async (o: {
        tokens?: string;
        host?: string;
        port?: string;
        uploads?: string;
        maxUploadMb?: string;
      }) => {
        // The same replica the image runs (client/api/process.ts); the flags override the environment.
        const { runApiProcess } = await import('../api/process.js');
        await runApiProcess({
          ...(o.tokens ? { tokensFile: o.tokens } : {}),
          ...(o.host ? { host: o.host } : {}),
          ...(o.port ? { port: Number(o.port) } : {}),
          ...(o.uploads ? { uploadsDir: o.uploads } : {}),
          ...(o.maxUploadMb ? { maxUploadMb: Number(o.maxUploadMb) } : {}),
        });
      },
    );
}
