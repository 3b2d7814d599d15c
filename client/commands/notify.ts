/**
 * `campaign notify problems`: notifications the office must look at (bad addresses, provider
 * rejections, sends a worker crash left unconfirmed), from the delivery log the worker writes.
 * Same database as the worker: DATABASE_URL (PostgreSQL) or NOTIFY_SQLITE_PATH.
 */
import type { Command } from 'commander';
import { renderTable } from '../../domain/schedule/preview-table.js';
import { openConfiguredDeliveryLog } from '../api/delivery-log-config.js';
import { DEFAULT_PROBLEM_LIMIT, listDeliveryProblems, problemTime, unitAndNotice, type DeliveryProblemList } from '../api/delivery-problems.js';

export interface ProblemsOptions {
  campaign?: string;
  limit?: string;
  json?: boolean;
}

type Print = (line: string) => void;

export function formatProblems(list: DeliveryProblemList, limit: number): string {
  const scope = list.campaignId ? `活动「${list.campaignId}」` : '全部活动';
  if (list.problems.length === 0) return `${scope}没有发送失败或结果未知的通知。`;
  const rows = [
    ['时间', '状态', '渠道', '收件人', '单位/通知', '原因'],
    ...list.problems.map((p) => [problemTime(p.at), p.statusLabel, p.channelLabel, p.recipient, unitAndNotice(p), p.reason.replace(/\s+/g, ' ')]),
  ];
  const counts = `${scope}：发送失败 ${list.failed} 条，结果未知 ${list.uncertain} 条`;
  const more = list.truncated ? `（只列出最近 ${limit} 条，用 --limit 查看更多）` : '';
  const hint = list.uncertain > 0 ? '\n结果未知的通知系统不会自动重发：请与收件人核实，未收到的请人工补发。' : '';
  const fix = list.failed > 0 ? '\n发送失败的请核对花名册中的邮箱、手机号或群机器人地址。' : '';
  return `${renderTable(rows)}\n\n${counts}${more}。${hint}${fix}`;
}

export async function runProblems(o: ProblemsOptions, env: NodeJS.ProcessEnv, print: Print, fail: Print): Promise<number> {
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
  try {
    const list = await listDeliveryProblems(log, { ...(o.campaign !== undefined ? { campaignId: o.campaign } : {}), limit });
    print(o.json ? JSON.stringify(list, null, 2) : formatProblems(list, limit));
    return 0;
  } finally {
    await log.close();
  }
}

export function registerNotifyCommands(program: Command): void {
  const notify = program.command('notify').description('通知投递：查看发送失败、结果未知的通知');
  notify
    .command('problems')
    .description('列出发送失败（地址有误、服务商拒收）和结果未知（发送中断）的通知；读取 worker 的投递记录（DATABASE_URL 或 NOTIFY_SQLITE_PATH）')
    .option('--campaign <id>', '只看这个活动')
    .option('--limit <n>', `最多列出多少条（最近的在前，默认 ${DEFAULT_PROBLEM_LIMIT}）`)
    .option('--json', '以 JSON 输出')
    .action(async (o: ProblemsOptions) => {
      process.exitCode = await runProblems(
        o,
        process.env,
        (line) => process.stdout.write(`${line}\n`),
        (line) => process.stderr.write(`${line}\n`),
      );
    });
}
