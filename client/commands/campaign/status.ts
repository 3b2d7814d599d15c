/** `campaign status` and `campaign overdue`: one unit's progress or the campaign's counts, and the overdue items with how far each has been escalated. */
import { reviewWaitText } from '../../../domain/review-wait.js';
import { formatLateness, overdueItems } from '../../../app/overdue.js';
import { stageTitle, unitTypeLabel } from '../../../app/report/labels.js';
import { unitStatus } from '../../../app/unit-operations.js';
import { campaignOverview } from '../../../app/visibility.js';
import { loadPlanFile } from '../../../domain/plan/load-file.js';
import type { UnitCampaignStatus } from '../../../workflows/unit-campaign/messages.js';
import { readStuckUnits, stuckUnitLines, unitHealthLine } from './health.js';
import type { CliContext, FilterOptions, Print } from './context.js';
import { filterOf, parseRosterFile } from './context.js';
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

export function printUnitStatus(s: UnitCampaignStatus, print: Print): void {
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
  const waiting = s.tasks.filter((t) => t.waitingFor?.length);
  if (waiting.length > 0) print('  等待前序步骤：');
  for (const t of waiting)
    print(
      `    ${t.taskId}  ${t.title}  等待「${t.waitingFor!.join('」「')}」完成后开始（计划 ${t.opensAt.slice(0, 16)}）`,
    );
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
