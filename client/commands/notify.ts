/**
 * `campaign notify problems`: notifications the office must look at (bad addresses, provider
 * rejections, sends a worker crash left unconfirmed), from the delivery log the worker writes;
 * `campaign notify resolve`: the office records that it dealt with one, which takes it off the list.
 * Same database as the worker: DATABASE_URL (PostgreSQL) or NOTIFY_SQLITE_PATH.
 */
import type { Command } from 'commander';
import { RESOLUTION_NOTE_MAX, type ResolutionKind } from '../../activities/notify/log/delivery-log.js';
import { renderTable } from '../../domain/schedule/preview-table.js';
import { openConfiguredStatusStore } from '../../app/status/open.js';
import { openConfiguredDeliveryLog } from '../api/delivery-log-config.js';
import {
  DEFAULT_PROBLEM_LIMIT,
  ProblemRefError,
  RESOLUTION_KINDS,
  RESOLUTION_LABELS,
  ResolveError,
  listDeliveryProblems,
  problemTime,
  resolutionText,
  resolveProblems,
  unitAndNotice,
  type DeliveryProblemList,
} from '../api/delivery-problems.js';

export interface ProblemsOptions {
  campaign?: string;
  limit?: string;
  json?: boolean;
  all?: boolean;
}

export interface ResolveOptions {
  as?: string;
  note?: string;
  by?: string;
  campaign?: string;
  json?: boolean;
}

const KIND_HELP = RESOLUTION_KINDS.map((k) => `${k}（${RESOLUTION_LABELS[k]}）`).join('、');

type Print = (line: string) => void;

/** Stuck units head the listing: none of their notifications go out until they are repaired. */
function formatWorkflowProblems(list: DeliveryProblemList): string {
  const stuck = list.workflowProblems;
  if (stuck.length === 0) return '';
  const rows = [
    ['状态', '活动', '单位', '发现时间', '失败次数', '错误'],
    ...stuck.map((w) => [
      w.statusLabel,
      w.campaignId,
      `${w.unitName ?? w.unitId}（${w.unitId}）`,
      problemTime(w.since),
      String(w.failures),
      w.error.replace(/\s+/g, ' '),
    ]),
  ];
  const repair = list.campaignId
    ? `campaign repair --campaign ${list.campaignId} --dry-run`
    : 'campaign repair --dry-run';
  return `${renderTable(rows)}\n\n流程异常 ${stuck.length} 个单位：工作流任务反复失败，这些单位的通知在修复前不会发出。请技术人员先演练修复（${repair}），再执行修复。\n\n`;
}

function formatProblems(list: DeliveryProblemList, limit: number): string {
  return formatWorkflowProblems(list) + formatDeliveryProblems(list, limit);
}

function formatDeliveryProblems(list: DeliveryProblemList, limit: number): string {
  const scope = list.campaignId ? `活动「${list.campaignId}」` : '全部活动';
  if (list.problems.length === 0) {
    return list.includeResolved
      ? `${scope}没有发送失败或结果未知的通知。`
      : `${scope}没有待处理的发送失败或结果未知的通知（已处理的用 --all 查看）。`;
  }
  const head = [
    '编号',
    '时间',
    '状态',
    '渠道',
    '收件人',
    '单位/通知',
    '原因',
    ...(list.includeResolved ? ['处理情况'] : []),
  ];
  const rows = [
    head,
    ...list.problems.map((p) => [
      p.id,
      problemTime(p.at),
      p.statusLabel,
      p.channelLabel,
      p.recipient,
      unitAndNotice(p),
      p.reason.replace(/\s+/g, ' '),
      ...(list.includeResolved ? [resolutionText(p.resolution)] : []),
    ]),
  ];
  const resolved = list.includeResolved ? `，已处理 ${list.resolved} 条` : '';
  const counts = `${scope}：待处理的发送失败 ${list.failed} 条，结果未知 ${list.uncertain} 条${resolved}`;
  const more = list.truncated ? `（只列出最近 ${limit} 条，用 --limit 查看更多）` : '';
  const hint =
    list.uncertain > 0 ? '\n结果未知的通知系统不会自动重发：请与收件人核实，未收到的请人工补发。' : '';
  const fix = list.failed > 0 ? '\n发送失败的请核对花名册中的邮箱、手机号或群机器人地址。' : '';
  const open = list.failed + list.uncertain;
  const close =
    open > 0
      ? `\n处理完后标记，就不再列出：campaign notify resolve <编号> --as received|resent|address_fixed|other [--note 说明]`
      : '';
  return `${renderTable(rows)}\n\n${counts}${more}。${hint}${fix}${close}`;
}

export async function runProblems(
  o: ProblemsOptions,
  env: NodeJS.ProcessEnv,
  print: Print,
  fail: Print,
): Promise<number> {
  const limit = o.limit === undefined ? DEFAULT_PROBLEM_LIMIT : Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    fail(`--limit：应为 1 到 10000 的整数（收到「${o.limit}」）`);
    return 1;
  }
  const opened = await openConfiguredDeliveryLog(env);
  if (!opened.ok) {
    fail(opened.problem);
    return 1;
  }
  const log = opened.log;
  // The health cache lives beside the delivery log; without it the listing still shows the notifications.
  const status = await openConfiguredStatusStore(env);
  try {
    const list = await listDeliveryProblems(log, {
      ...(o.campaign !== undefined ? { campaignId: o.campaign } : {}),
      limit,
      includeResolved: o.all === true,
      ...(status.ok ? { health: status.store } : {}),
    });
    print(o.json ? JSON.stringify(list, null, 2) : formatProblems(list, limit));
    return 0;
  } finally {
    await Promise.allSettled([log.close(), status.ok ? status.store.close() : undefined]);
  }
}

/** Checks every argument first and names each bad one; resolves nothing unless all are good. */
export async function runResolve(
  refs: string[],
  o: ResolveOptions,
  env: NodeJS.ProcessEnv,
  print: Print,
  fail: Print,
  now = () => new Date(),
): Promise<number> {
  const problems: string[] = [];
  if (refs.length === 0)
    problems.push('编号：请至少给出一条通知异常的编号（见 campaign notify problems 的第一列）');
  if (o.as === undefined) problems.push(`--as：请写明处理方式：${KIND_HELP}`);
  else if (!(RESOLUTION_KINDS as readonly string[]).includes(o.as))
    problems.push(`--as：只能是 ${KIND_HELP} 之一（收到「${o.as}」）`);
  const note = o.note?.trim();
  if (note !== undefined && note.length > RESOLUTION_NOTE_MAX)
    problems.push(`--note：不能超过 ${RESOLUTION_NOTE_MAX} 个字（现有 ${note.length} 个字）`);
  const by = (o.by ?? '活动办').trim();
  if (by === '') problems.push('--by：处理人姓名不能为空');
  else if (by.length > 50) problems.push('--by：处理人姓名不能超过 50 个字');
  if (problems.length > 0) {
    for (const p of problems) fail(p);
    return 1;
  }
  const opened = await openConfiguredDeliveryLog(env);
  if (!opened.ok) {
    fail(opened.problem);
    return 1;
  }
  const log = opened.log;
  try {
    const done = await resolveProblems(log, {
      refs,
      kind: o.as as ResolutionKind,
      by,
      ...(note ? { note } : {}),
      ...(o.campaign !== undefined ? { campaignId: o.campaign } : {}),
      now: now(),
    });
    if (o.json) print(JSON.stringify(done, null, 2));
    else
      for (const p of done)
        print(
          `${p.id}  ${p.statusLabel} · ${p.channelLabel} · ${p.recipient} · ${unitAndNotice(p)} → ${resolutionText(p.resolution)}`,
        );
    if (!o.json)
      print(
        `已标记 ${done.length} 条为「${RESOLUTION_LABELS[o.as as ResolutionKind]}」，不再列入待处理的通知异常（用 notify problems --all 查看）。`,
      );
    return 0;
  } catch (e) {
    if (e instanceof ProblemRefError) {
      for (const p of e.problems) fail(`编号${p}`);
      fail('没有标记任何一条。');
      return 1;
    }
    if (e instanceof ResolveError) {
      fail(e.message);
      return 1;
    }
    throw e;
  } finally {
    await log.close();
  }
}

export function registerNotifyCommands(program: Command): void {
  const notify = program.command('notify').description('通知投递：查看发送失败、结果未知的通知，标记已处理');
  notify
    .command('problems')
    .description(
      '列出发送失败（地址有误、服务商拒收）和结果未知（发送中断）的通知；读取 worker 的投递记录（DATABASE_URL 或 NOTIFY_SQLITE_PATH）',
    )
    .option('--campaign <id>', '只看这个活动')
    .option('--limit <n>', `最多列出多少条（最近的在前，默认 ${DEFAULT_PROBLEM_LIMIT}）`)
    .option('--all', '也列出已标记处理的（附处理情况）')
    .option('--json', '以 JSON 输出')
    .action(async (o: ProblemsOptions) => {
      process.exitCode = await runProblems(
        o,
        process.env,
        (line) => process.stdout.write(`${line}\n`),
        (line) => process.stderr.write(`${line}\n`),
      );
    });
  notify
    .command('resolve')
    .description('标记通知异常已处理（如已电话核实收到、已人工补发）：不再列入待处理；通知本身的发送状态不变')
    .argument('<编号...>', 'notify problems 第一列的编号（可写多条），或完整的投递编号')
    .option('--as <方式>', `处理方式：${KIND_HELP}`)
    .option('--note <说明>', `补充说明（不超过 ${RESOLUTION_NOTE_MAX} 字）`)
    .option('--by <姓名>', '处理人（默认「活动办」）')
    .option('--campaign <id>', '只在这个活动的通知异常中查找编号')
    .option('--json', '以 JSON 输出')
    .action(async (refs: string[], o: ResolveOptions) => {
      process.exitCode = await runResolve(
        refs,
        o,
        process.env,
        (line) => process.stdout.write(`${line}\n`),
        (line) => process.stderr.write(`${line}\n`),
      );
    });
}
