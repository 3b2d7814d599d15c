/**
 * `campaign start | status | overdue | submit | review | survey | extend | waive | pause | resume |
 * cancel | ack | gap | shift | adhoc | report | tokens issue | api | digest schedule`: the office's
 * commands on a running campaign. Each `run…` function (in client/commands/campaign/) takes an
 * already connected client and a printer, so tests call them in-process; the commander actions
 * here only connect and set exit codes.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { type Operation } from '../../app/unit-operations.js';
import { registerTokenCommands } from './tokens.js';
import type { FilterOptions } from './campaign/context.js';
import { DEFAULT_TASK_QUEUE, filterOptions, withClient } from './campaign/context.js';
import type { StartOptions } from './campaign/start.js';
import { runStart } from './campaign/start.js';
import type { StatusOptions } from './campaign/status.js';
import { runOverdue, runStatus } from './campaign/status.js';
import type { UpdateOptions } from './campaign/update.js';
import { runUpdate } from './campaign/update.js';
import { UPDATE_COMMANDS, type OperationCommand } from './campaign/update-commands.js';
import type { DigestScheduleCliOptions, TokensIssueOptions } from './campaign/report.js';
import { runDigestSchedule, runReport, runTokensIssue } from './campaign/report.js';

export type { CliContext, Print } from './campaign/context.js';
export { runStart, type StartOptions } from './campaign/start.js';
export { runStatus, runOverdue } from './campaign/status.js';
export { runUpdate, BUILDERS, type UpdateOptions } from './campaign/update.js';
export { runReport, runDigestSchedule } from './campaign/report.js';

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

  for (const [op, row] of Object.entries(UPDATE_COMMANDS) as [Operation, OperationCommand<Operation>][]) {
    if (!row.command) continue;
    const { name, description, flags, unitRequired } = row.command;
    const c = filterOptions(program.command(name).description(description), unitRequired ?? false);
    flags(c).action((o: UpdateOptions) => withClient((ctx) => runUpdate(op, o, row.build, ctx)));
  }

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
