/**
 * `campaign plan check FILE` and `campaign plan preview FILE …`: validate a plan (every error
 * with its line) and show one unit's calendar before launch, optionally as an .ics file.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { startProblem } from '../../domain/schedule/start-text.js';
import { formatIssue } from '../../domain/plan/issue.js';
import { loadPlanFile } from '../../domain/plan/load-file.js';
import type { Plan } from '../../domain/plan/schema.js';
import { calendarYearsDays } from '../../domain/calendar/index.js';
import { buildSchedule, calendarForPlan, type UnitProfile } from '../../domain/schedule/index.js';
import { scheduleToIcs } from '../../domain/schedule/ics.js';
import { formatPreview } from '../../domain/schedule/preview-table.js';
import {
  parseUnitFlag,
  parseUnitType,
  UNIT_FLAG_IDS,
  UNIT_TYPE_IDS,
  UNIT_TYPES,
  type UnitFlag,
} from '../../domain/unit-types.js';

async function loadOrReport(file: string): Promise<Plan | undefined> {
  const r = await loadPlanFile(file, file);
  if (r.ok) return r.plan;
  for (const i of r.issues) process.stderr.write(`${formatIssue(i)}\n`);
  process.stderr.write(`共 ${r.issues.length} 处错误，计划未通过检查。\n`);
  process.exitCode = 1;
  return undefined;
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

export function registerPlanCommands(program: Command): void {
  const plan = program.command('plan').description('活动计划：检查与预览');

  plan
    .command('check')
    .description('检查计划文件，一次列出全部错误（文件:行: 字段: 说明）')
    .argument('<file>', '计划文件（YAML）')
    .option('--json', '以 JSON 输出结果')
    .action(async (file: string, opts: { json?: boolean }) => {
      const r = await loadPlanFile(file, file);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(r.ok ? { ok: true, id: r.plan.id } : { ok: false, issues: r.issues }, null, 2)}\n`,
        );
        if (!r.ok) process.exitCode = 1;
        return;
      }
      if (!r.ok) {
        for (const i of r.issues) process.stderr.write(`${formatIssue(i)}\n`);
        fail(`共 ${r.issues.length} 处错误，计划未通过检查。`);
        return;
      }
      const steps = r.plan.stages.reduce((n, s) => n + s.steps.length, 0);
      process.stdout.write(
        `${basename(file)}：检查通过。计划「${r.plan.title}」，${r.plan.stages.length} 个阶段，${steps} 个步骤。\n`,
      );
    });

  plan
    .command('preview')
    .description('按单位类型和开始日期预览一个单位的工作日程（截止、提醒、催办）')
    .argument('<file>', '计划文件（YAML）')
    .requiredOption('--unit-type <type>', `单位类型：${UNIT_TYPE_IDS.join('、')}（也可写中文名称）`)
    .option('--flags <flags>', `单位标记，逗号分隔：${UNIT_FLAG_IDS.join('、')}`, '')
    .requiredOption(
      '--start <date>',
      '活动开始日期，如 2009-09-01（或带时区的时刻 2009-09-01T10:00:00+08:00）',
    )
    .option('--unit-id <id>', '单位标识（用于 ics 的 UID）', 'preview')
    .option('--ics <out>', '另存为 iCalendar 文件（.ics），可导入日历')
    .option('--json', '以 JSON 输出日程')
    .action(
      async (
        file: string,
        opts: {
          unitType: string;
          flags: string;
          start: string;
          unitId: string;
          ics?: string;
          json?: boolean;
        },
      ) => {
        const type = parseUnitType(opts.unitType);
        if (!type)
          return fail(
            `未知的单位类型「${opts.unitType}」，可选：${UNIT_TYPE_IDS.map((t) => `${t}（${UNIT_TYPES[t]}）`).join('、')}`,
          );
        const flags: UnitFlag[] = [];
        const badFlags: string[] = [];
        for (const f of opts.flags
          .split(/[,，、]/)
          .map((s) => s.trim())
          .filter(Boolean)) {
          const p = parseUnitFlag(f);
          if (p) flags.push(p);
          else badFlags.push(f);
        }
        if (badFlags.length)
          return fail(`未知的单位标记「${badFlags.join('、')}」，可选：${UNIT_FLAG_IDS.join('、')}`);
        const startWrong = startProblem(opts.start);
        if (startWrong) return fail(`--start：${startWrong}`);
        const p = await loadOrReport(file);
        if (!p) return;
        const unit: UnitProfile = { id: opts.unitId, type, flags };
        // Years the office loaded (`campaign calendar add`) count as covered, as they will at launch.
        const { storedCalendarYears } = await import('../../app/calendar/open.js');
        const cal = calendarForPlan(p, calendarYearsDays(await storedCalendarYears(process.env)));
        let schedule;
        try {
          schedule = buildSchedule(p, unit, opts.start, cal);
        } catch (e) {
          return fail((e as Error).message);
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(schedule, null, 2)}\n`);
        else process.stdout.write(`${formatPreview(p, schedule, cal, flags)}\n`);
        if (opts.ics) {
          await writeFile(opts.ics, scheduleToIcs(schedule, `${p.title}（${UNIT_TYPES[type]}）`));
          (opts.json ? process.stderr : process.stdout).write(
            `已写入日历文件 ${opts.ics}（${schedule.tasks.length} 项）\n`,
          );
        }
      },
    );
}
