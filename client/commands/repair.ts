/**
 * `campaign repair [--campaign] [--unit] [--dry-run]`: resets units whose workflow task keeps
 * failing to the last workflow task the current code still reproduces (docs/versioning.md,
 * "Repairing stuck units"). The dry run lists each stuck unit, its error and the reset point, and
 * changes nothing; without it each unit is reset (signals and Updates after the point are applied
 * again) and asked to publish its status. A unit whose history replays cleanly is a code error:
 * reported, not reset.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleOption } from '@temporalio/worker';
import { scanCampaignHealth } from '../../app/health/scan.js';
import { healthSettingsFromEnv, type HealthSettings } from '../../app/health/settings.js';
import { applyRepair, type RepairOutcome } from '../../app/repair/apply.js';
import { planRepair, type RepairPlan } from '../../app/repair/plan.js';
import { replayerFor, type Replayer } from '../../app/repair/replayer.js';
import type { CampaignServices } from '../../app/services.js';
import { lazyStatusStore, openConfiguredStatusStore } from '../../app/status/open.js';
import { workflowBundlePath } from '../../worker/bundle.js';
import { bundlerOptions, quietBundleLogger, workflowsPath } from '../../worker/create-worker.js';
import { problemTime } from '../api/delivery-problems.js';
import { connectClient } from '../connection.js';

type Print = (line: string) => void;

export interface RepairOptions {
  campaign?: string;
  unit?: string;
  dryRun?: boolean;
  workflowBundle?: string;
  json?: boolean;
}

export interface RepairContext extends CampaignServices {
  print: Print;
  /** Replays with the workflow code the workers run now. */
  replayer: Replayer;
  /** Which code that is, for the output. */
  codeLabel: string;
  settings: Pick<
    HealthSettings,
    'stuckAfterFailures' | 'graceMs' | 'lateRecheckMs' | 'maxChecks' | 'concurrency'
  >;
  refreshTimeoutMs?: number;
}

interface UnitResult {
  plan: RepairPlan;
  outcome?: RepairOutcome;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

function planLines(p: RepairPlan): string[] {
  const name = `${p.unitName ?? p.unitId}（${p.unitId}）`;
  if (p.verdict === 'gone') return [`  ${name}：流程已结束或不存在，无需修复`];
  if (p.verdict === 'not_stuck')
    return [`  ${name}：工作流任务没有反复失败（已失败 ${p.failures ?? 0} 次），无需修复`];
  const lines = [`  ${name}：工作流任务已失败 ${p.failures ?? 0} 次`, `    错误：${oneLine(p.error ?? '')}`];
  if (p.verdict === 'code_error') {
    lines.push(
      '    判断：代码错误，不是历史不一致：请修正代码。用现有代码重放全部历史没有出现不一致，重置无济于事；部署修正后的代码后，流程任务会自行重试。未重置。',
    );
    return lines;
  }
  if (p.verdict === 'unrepairable') {
    lines.push(`    无法修复：${p.problem ?? ''}`);
    return lines;
  }
  const t = p.badTask!;
  const r = p.reapplied ?? { updates: [], signals: [] };
  const names = (xs: string[]) => (xs.length > 0 ? `（${[...new Set(xs)].join('、')}）` : '');
  lines.push(
    `    判断：历史不一致——第 ${t.n} 个流程任务（事件 ${t.startedEventId}${t.startedAt ? `，${problemTime(t.startedAt)}` : ''}）记录的指令，现有代码已不再产生（重放 ${p.replays ?? 0} 次找到）`,
  );
  lines.push(
    `    重置点：事件 ${p.resetEventId}（第 ${t.n} 个流程任务完成）；其后 ${p.discardedEvents ?? 0} 个事件作废，重新应用 ${r.updates.length} 个更新${names(r.updates)}和 ${r.signals.length} 个信号${names(r.signals)}`,
  );
  return lines;
}

function outcomeLine(o: RepairOutcome): string {
  if (o.kind === 'skipped') return `    未重置：${o.problem}`;
  return o.refreshed
    ? `    已修复：已重置，新运行 ${o.newRunId}，单位状态已刷新`
    : `    已重置（新运行 ${o.newRunId}），但${o.problem}；请用 campaign status 查看该单位`;
}

export async function runRepair(o: RepairOptions, ctx: RepairContext): Promise<number> {
  if (o.unit !== undefined && o.campaign === undefined) {
    ctx.print('--unit：请同时用 --campaign 指明活动');
    return 1;
  }
  const campaigns = o.campaign !== undefined ? [o.campaign] : await ctx.status.activeCampaigns();
  const report: { campaignId: string; units: UnitResult[] }[] = [];
  for (const campaignId of campaigns) {
    const unitIds =
      o.unit !== undefined
        ? [o.unit]
        : (await scanCampaignHealth(ctx, campaignId, ctx.settings)).stuck.map((h) => h.unitId);
    const units: UnitResult[] = [];
    if (!o.json) {
      if (unitIds.length === 0) ctx.print(`活动「${campaignId}」没有流程异常的单位。`);
      else
        ctx.print(
          `活动「${campaignId}」：${o.unit !== undefined ? `单位 ${o.unit}` : `${unitIds.length} 个单位流程异常（工作流任务失败超过 ${ctx.settings.stuckAfterFailures} 次）`}；用现有工作流代码（${ctx.codeLabel}）重放历史判断：`,
        );
    }
    for (const unitId of unitIds) {
      const plan = await planRepair(ctx, campaignId, unitId, {
        replayer: ctx.replayer,
        stuckAfterFailures: ctx.settings.stuckAfterFailures,
      });
      const result: UnitResult = { plan };
      if (!o.json) for (const l of planLines(plan)) ctx.print(l);
      if (!o.dryRun && plan.verdict === 'mismatch') {
        result.outcome = await applyRepair(ctx, plan, {
          ...(ctx.refreshTimeoutMs !== undefined ? { refreshTimeoutMs: ctx.refreshTimeoutMs } : {}),
        });
        if (!o.json) ctx.print(outcomeLine(result.outcome));
      }
      units.push(result);
    }
    report.push({ campaignId, units });
  }
  const all = report.flatMap((c) => c.units);
  const needing = all.filter((u) => u.plan.verdict !== 'gone' && u.plan.verdict !== 'not_stuck');
  const fixable = needing.filter((u) => u.plan.verdict === 'mismatch');
  const repaired = fixable.filter((u) => u.outcome?.kind === 'repaired' && u.outcome.refreshed);
  if (o.json) ctx.print(JSON.stringify({ dryRun: o.dryRun === true, campaigns: report }, null, 2));
  else if (campaigns.length === 0) ctx.print('没有仍在进行的活动。');
  else if (needing.length > 0) {
    const rest = needing.length - fixable.length;
    if (o.dryRun)
      ctx.print(
        `演练：${fixable.length} 个单位可以重置修复${rest > 0 ? `，${rest} 个不能（见上）` : ''}；没有做任何修改。确认无误后去掉 --dry-run 执行修复。`,
      );
    else
      ctx.print(
        `已修复 ${repaired.length} 个单位${needing.length - repaired.length > 0 ? `，${needing.length - repaired.length} 个未修复（见上）` : ''}。`,
      );
  }
  const ok = o.dryRun ? fixable.length === needing.length : repaired.length === needing.length;
  return ok ? 0 : 1;
}

/** The code the production worker runs: the given bundle, else the prebundle if built, else the source. */
async function currentWorkflowCode(
  file: string | undefined,
): Promise<{ bundle: WorkflowBundleOption; label: string }> {
  const chosen =
    file ??
    process.env.WORKER_WORKFLOW_BUNDLE ??
    (existsSync(workflowBundlePath) ? workflowBundlePath : undefined);
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`--workflow-bundle：找不到文件 ${chosen}`);
    return {
      bundle: { codePath: path.resolve(chosen) },
      label: path.relative(process.cwd(), path.resolve(chosen)) || chosen,
    };
  }
  const { code } = await bundleWorkflowCode({ workflowsPath, ...bundlerOptions, logger: quietBundleLogger });
  return { bundle: { code }, label: '源码 workflows/（现场打包）' };
}

export function registerRepairCommand(program: Command): void {
  program
    .command('repair')
    .description(
      '修复流程异常的单位：找出现有代码不再能重现的第一个流程任务，重置到它完成之处（其后的信号和更新重新应用），再刷新单位状态；先用 --dry-run 演练',
    )
    .option('--campaign <id>', '只修复这个活动（缺省：所有仍在进行的活动）')
    .option('--unit <id>', '只修复这个单位（须同时给出 --campaign）')
    .option('--dry-run', '演练：列出每个单位、错误和重置点，不做任何修改')
    .option(
      '--workflow-bundle <file>',
      '判断所用的工作流代码（缺省：worker 所用的 dist/workflow-bundle.js，没有则从源码打包）',
    )
    .option('--json', '以 JSON 输出')
    .action(async (o: RepairOptions) => {
      let code = 1;
      try {
        // Replays run on the SDK's native runtime: only its errors on the terminal.
        Runtime.install({
          logger: new DefaultLogger('ERROR'),
          telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
        });
        const settings = healthSettingsFromEnv(process.env);
        const { bundle, label } = await currentWorkflowCode(o.workflowBundle);
        const c = await connectClient();
        const status = lazyStatusStore(() => openConfiguredStatusStore(process.env));
        try {
          code = await runRepair(o, {
            client: c.client,
            status,
            print: (l) => console.log(l),
            replayer: replayerFor(bundle),
            codeLabel: label,
            settings,
          });
        } finally {
          await Promise.allSettled([c.close(), status.close()]);
        }
      } catch (e) {
        console.error(`出错了：${(e as Error).message}`);
      }
      process.exitCode = code;
    });
}
