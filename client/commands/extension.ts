/**
 * `campaign extension request | decide | list`: 延期申请 from the command line. A unit's liaison
 * requests a later date with a reason; the 指导组 (within the plan's limit) or the office decides,
 * one request at a time or, for the office, several at once (`--item unit/task`, repeatable).
 */
import type { Command } from 'commander';
import { decideExtensions, pendingExtensions, type PendingExtension } from '../../app/extension-requests.js';
import { DEFAULT_OFFICE } from '../../app/people.js';
import { withClient, type CliContext } from './campaign/context.js';
import { BUILDERS, runUpdate, type UpdateOptions } from './campaign/update.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** 2009-12-20 17:30 in Beijing time. */
function cnInstant(iso: string): string {
  return new Date(iso).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai', hour12: false }).slice(0, 16);
}

export function extensionLine(x: PendingExtension): string {
  const who = x.decider === 'office' ? '报活动办审批' : '指导组审批';
  const by = x.decideBy ? `，审批时限 ${cnInstant(x.decideBy)}` : '';
  const late = x.escalationLevel > 0 ? `，已超期督办（第 ${x.escalationLevel} 级）` : '';
  return `${x.unitName}（${x.unitId}）「${x.title}」（${x.taskId}）：${cnInstant(x.dueAt)} → ${cnInstant(x.newDueAt)}，延期 ${x.workingDays} 个工作日，${who}${by}${late}；理由：${x.reason}`;
}

export interface ExtensionListOptions {
  campaign: string;
  group?: string;
  unit?: string;
  json?: boolean;
}

export async function runExtensionList(o: ExtensionListOptions, ctx: CliContext): Promise<number> {
  const list = await pendingExtensions(ctx, o.campaign, {
    ...(o.group ? { groupId: o.group } : {}),
    ...(o.unit ? { unitId: o.unit } : {}),
  });
  if (o.json) ctx.print(JSON.stringify(list, null, 2));
  else {
    ctx.print(`待审批的延期申请 ${list.length} 项`);
    for (const x of list) ctx.print(`  ${extensionLine(x)}`);
  }
  return 0;
}

export interface ExtensionDecideOptions extends UpdateOptions {
  item?: string[];
  refuse?: boolean;
  approve?: boolean;
  comment?: string[];
}

export async function runExtensionDecide(o: ExtensionDecideOptions, ctx: CliContext): Promise<number> {
  if (o.approve && o.refuse) {
    ctx.print('--approve 与 --refuse 只能选一个');
    return 1;
  }
  if (!o.approve && !o.refuse) {
    ctx.print('请用 --approve（同意）或 --refuse（不同意）给出审批结果');
    return 1;
  }
  const items = o.item ?? [];
  if (items.length === 0) {
    if (o.unit === undefined || typeof o.task !== 'string') {
      ctx.print('请用 --unit 和 --task 指定一项延期申请，或用 --item 单位/事项 指定多项');
      return 1;
    }
    return runUpdate('decideExtension', o, BUILDERS.decideExtension, ctx);
  }
  const pairs = items.map((it) => {
    const [unitId, taskId, ...rest] = it.split('/');
    return unitId && taskId && rest.length === 0 ? { unitId, taskId } : undefined;
  });
  const bad = items.filter((_, i) => pairs[i] === undefined);
  if (bad.length > 0) {
    ctx.print(`--item 应写成 单位编号/事项编号：${bad.map((b) => `「${b}」`).join('、')}`);
    return 1;
  }
  const comment = (o.comment ?? []).join('；');
  const r = await decideExtensions(ctx, o.campaign, pairs as { unitId: string; taskId: string }[], {
    decidedBy: o.by ?? DEFAULT_OFFICE.members[0]!.id,
    decision: o.refuse ? 'refuse' : 'approve',
    ...(comment ? { comment } : {}),
  });
  if (o.json) ctx.print(JSON.stringify(r, null, 2));
  else {
    ctx.print(
      `批量${o.refuse ? '不同意' : '同意'}延期：共 ${items.length} 项，成功 ${r.succeeded} 项，失败 ${r.failed} 项`,
    );
    for (const x of r.outcomes) if (!x.ok) ctx.print(`  ${x.unitId}/${x.taskId}：${x.error ?? ''}`);
  }
  return r.failed === 0 ? 0 : 1;
}

export function registerExtensionCommands(program: Command): void {
  const ext = program.command('extension').description('延期申请：单位申请延期，指导组或活动办审批');
  ext
    .command('request')
    .description('单位在截止前申请延期（写明新日期和理由）')
    .requiredOption('--campaign <id>', '活动编号')
    .requiredOption('--unit <id>', '单位编号')
    .requiredOption('--task <id>', '事项编号')
    .requiredOption('--to <date>', '申请的新截止日期（2009-12-20）或时刻')
    .requiredOption('--reason <text>', '延期理由', collect)
    .option('--by <person>', '申请人编号（默认本单位联络员）')
    .option('--json', '以 JSON 输出结果')
    .action((o: UpdateOptions) =>
      withClient((ctx) => runUpdate('requestExtension', o, BUILDERS.requestExtension, ctx)),
    );
  ext
    .command('decide')
    .description('审批延期申请：指导组在权限内审批，超过权限的由活动办审批；活动办可用 --item 批量审批')
    .requiredOption('--campaign <id>', '活动编号')
    .option('--unit <id>', '单位编号')
    .option('--task <id>', '事项编号')
    .option('--item <unit/task>', '批量：单位编号/事项编号，可多次', collect)
    .option('--approve', '同意')
    .option('--refuse', '不同意（须写 --comment）')
    .option('--comment <text>', '审批意见', collect)
    .option('--by <person>', '审批人编号（默认活动办 office）')
    .option('--json', '以 JSON 输出结果')
    .action((o: ExtensionDecideOptions) => withClient((ctx) => runExtensionDecide(o, ctx)));
  ext
    .command('list')
    .description('待审批的延期申请，最早申请的在前')
    .requiredOption('--campaign <id>', '活动编号')
    .option('--group <id>', '只看一个指导组的单位')
    .option('--unit <id>', '只看一个单位')
    .option('--json', '以 JSON 输出')
    .action((o: ExtensionListOptions) => withClient((ctx) => runExtensionList(o, ctx)));
}
