/**
 * `campaign calendar add FILE` and `campaign calendar list`: the office loads a year's
 * 国务院办公厅 holiday arrangement (YAML or ICS, see examples/holidays-2027.yaml) without code.
 * It is stored as a new version beside the delivery log and sent to every running unit, which
 * moves its future deadlines off the new holidays and tells the unit; units launched later start
 * with it, and `plan preview` counts it.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { openConfiguredCalendarStore } from '../../app/calendar/open.js';
import { addHolidayYear, calendarAddLines, calendarListLines } from '../../app/calendar/service.js';
import type { CalendarStore } from '../../app/calendar/store.js';
import { holidayFileFormat } from '../../domain/calendar/holiday-file.js';
import { CampaignFailure } from '../../domain/failures.js';
import { connectClient } from '../connection.js';

type Print = (line: string) => void;

export interface CalendarContext {
  client: Client;
  calendar: CalendarStore;
  print: Print;
}

export interface CalendarAddOptions {
  format?: string;
  by?: string;
  json?: boolean;
}

export async function runCalendarAdd(
  file: string,
  o: CalendarAddOptions,
  ctx: CalendarContext,
): Promise<number> {
  if (o.format !== undefined && o.format !== 'yaml' && o.format !== 'ics') {
    ctx.print(`--format：只能是 yaml 或 ics，不能是「${o.format}」`);
    return 1;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    ctx.print(`无法读取文件 ${file}：${(e as Error).message}`);
    return 1;
  }
  const format = o.format ?? holidayFileFormat(file);
  try {
    const r = await addHolidayYear(ctx, { text, format }, o.by ?? process.env.USER ?? '活动办');
    if (o.json) ctx.print(JSON.stringify(r, null, 2));
    else for (const l of calendarAddLines(r)) ctx.print(l);
    return r.failures.length === 0 ? 0 : 1;
  } catch (e) {
    if (!(e instanceof CampaignFailure) || e.type !== 'InvalidRequest') throw e;
    ctx.print(`${file} 未载入，请改正后重试：`);
    for (const p of e.problems.length > 0 ? e.problems : [e.message]) ctx.print(`  ${p}`);
    return 1;
  }
}

export async function runCalendarList(
  o: { json?: boolean },
  ctx: Pick<CalendarContext, 'calendar' | 'print'>,
) {
  const history = await ctx.calendar.history();
  if (o.json) ctx.print(JSON.stringify(history, null, 2));
  else for (const l of calendarListLines(history)) ctx.print(l);
  return 0;
}

export function registerCalendarCommands(program: Command): void {
  const cal = program
    .command('calendar')
    .description('节假日安排：载入新一年的国务院办公厅通知，正在进行的单位随之调整期限');
  cal
    .command('add <file>')
    .description(
      '载入一年的节假日安排（YAML 或 ICS，格式见 examples/holidays-2027.yaml），存为新版本并发给所有进行中的单位',
    )
    .option('--format <format>', 'yaml 或 ics（缺省按文件扩展名判断）')
    .option('--by <name>', '载入人（记入版本记录，缺省为当前用户）')
    .option('--json', '以 JSON 输出')
    .action(async (file: string, o: CalendarAddOptions) => {
      const calendar = await openConfiguredCalendarStore(process.env);
      const c = await connectClient();
      try {
        process.exitCode = await runCalendarAdd(file, o, {
          client: c.client,
          calendar,
          print: (l) => console.log(l),
        });
      } finally {
        await c.close();
        await calendar.close();
      }
    });
  cal
    .command('list')
    .description('列出已载入的节假日安排（每年每个版本：依据的通知、载入人、时间）')
    .option('--json', '以 JSON 输出')
    .action(async (o: { json?: boolean }) => {
      const calendar = await openConfiguredCalendarStore(process.env);
      try {
        process.exitCode = await runCalendarList(o, { calendar, print: (l) => console.log(l) });
      } finally {
        await calendar.close();
      }
    });
}
