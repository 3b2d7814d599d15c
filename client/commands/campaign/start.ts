/** `campaign start`: launch a campaign's units from a plan and a roster. */
import { progressBar } from './progress.js';
import type { CliContext } from './context.js';
import { DEFAULT_TASK_QUEUE, officeFrom } from './context.js';
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
  const { launchCampaign } = await import('../../../app/launch.js');
  const { storedCalendarYears } = await import('../../../app/calendar/open.js');
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
