/** `campaign report` (Excel and the Word 简报), `campaign tokens issue` and `campaign digest schedule`. */
import { loadPlanFile } from '../../../domain/plan/load-file.js';
import type { CliContext, FilterOptions, Print } from './context.js';
import { DEFAULT_TASK_QUEUE, UsageError, filterOf, officeFrom, parseRosterFile } from './context.js';
export async function runReport(
  o: FilterOptions & { xlsx?: string; docx?: string; date?: string; office?: string; json?: boolean },
  ctx: CliContext,
): Promise<number> {
  if (!o.xlsx && !o.docx) throw new UsageError('请用 --xlsx 或 --docx 指定输出文件（可同时指定）');
  const { collectReport } = await import('../../../app/report/collect.js');
  const data = await collectReport(ctx, filterOf(o));
  if (o.xlsx) await (await import('../../../app/report/xlsx.js')).writeReportFile(data, o.xlsx);
  const issue = o.docx
    ? await (
        await import('../../../app/report/briefing-docx.js')
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

export async function runTokensIssue(o: TokensIssueOptions, print: Print): Promise<number> {
  const { issueTokens, writeTokenFiles } = await import('../../api/tokens.js');
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
  const { upsertDigestSchedule } = await import('../../../app/digest-schedule.js');
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
