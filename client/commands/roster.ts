import type { Command } from 'commander';
import { loadPlanFile } from '../../domain/plan/load-file.js';
import { formatIssue } from '../../domain/plan/issue.js';
import { parseRosterFile } from '../../domain/roster/parse-file.js';
import { CHANNELS, CHANNEL_LABELS, type Channel } from '../../domain/roster/types.js';
import { UNIT_TYPES } from '../../domain/unit-types.js';

export interface RosterCheckOptions {
  groups?: string;
  plan?: string;
  channels?: string;
  skipBadRows?: boolean;
  json?: boolean;
}

const CHANNEL_WORDS: Readonly<Record<string, Channel>> = {
  email: 'email',
  邮件: 'email',
  电子邮件: 'email',
  sms: 'sms',
  短信: 'sms',
  dingtalk: 'dingtalk',
  钉钉: 'dingtalk',
  wecom: 'wecom',
  企业微信: 'wecom',
};

/** `--channels email,sms` (English ids or Chinese names, separated by , ， 、 or spaces). */
export function parseChannelList(text: string): { channels: Channel[]; unknown: string[] } {
  const channels: Channel[] = [];
  const unknown: string[] = [];
  for (const word of text.split(/[,，、\s]+/).filter((w) => w !== '')) {
    const c = CHANNEL_WORDS[word.toLowerCase()];
    if (c === undefined) unknown.push(word);
    else if (!channels.includes(c)) channels.push(c);
  }
  return { channels, unknown };
}

const labelChannels = (cs: readonly Channel[]): string => cs.map((c) => CHANNEL_LABELS[c]).join('、');

/**
 * `campaign roster check`: everything the office needs to fix a roster in one pass. Returns the
 * exit code (1 when the roster has errors or cannot be read) so tests can call it directly.
 */
export async function runRosterCheck(
  file: string,
  opts: RosterCheckOptions,
  print: (line: string) => void = (l) => console.log(l),
): Promise<number> {
  let channels: Channel[] = ['email'];
  let channelSource = '未指定 --plan 或 --channels，按默认';
  let planUnitTypes: readonly string[] | undefined;

  if (opts.plan !== undefined) {
    const loaded = await loadPlanFile(opts.plan);
    if (!loaded.ok) {
      if (opts.json) {
        print(JSON.stringify({ ok: false, planIssues: loaded.issues }, null, 2));
      } else {
        print(`方案「${opts.plan}」有错误，无法确定通知渠道：`);
        for (const issue of loaded.issues) print(`  ${formatIssue(issue)}`);
      }
      return 1;
    }
    channels = [...loaded.plan.channels];
    channelSource = `来自方案「${loaded.plan.title}」`;
    planUnitTypes = loaded.plan.unitTypes;
    if (opts.channels !== undefined) channelSource += '（已忽略 --channels，以方案为准）';
  } else if (opts.channels !== undefined) {
    const parsed = parseChannelList(opts.channels);
    if (parsed.unknown.length > 0 || parsed.channels.length === 0) {
      print(
        `--channels: ${parsed.unknown.length > 0 ? `「${parsed.unknown.join('、')}」不是已知的通知渠道` : '没有指定任何渠道'}（可用：${CHANNELS.join('、')}，或 邮件、短信、钉钉、企业微信）`,
      );
      return 1;
    }
    channels = parsed.channels;
    channelSource = '来自 --channels';
  }

  const result = await parseRosterFile(file, {
    channels,
    ...(opts.groups !== undefined ? { groupsPath: opts.groups } : {}),
    skipBadRows: opts.skipBadRows === true,
  });

  // A plan is written for some unit types; units of other types need another plan.
  const outsidePlan =
    planUnitTypes === undefined ? [] : result.units.filter((u) => !planUnitTypes.includes(u.type));

  if (opts.json) {
    print(
      JSON.stringify(
        {
          ok: result.errors.length === 0,
          usable: result.usable,
          fatal: result.fatal,
          sources: result.sources,
          channels,
          unitCount: result.unitRowCount,
          groupCount: result.groupCount,
          errorCount: result.errors.length,
          errors: result.errors,
          warnings: result.warnings,
          rowsWithErrors: result.rowsWithErrors,
          groupRowsWithErrors: result.groupRowsWithErrors,
          unitsOutsidePlan: outsidePlan.map((u) => u.id),
          units: result.units,
          groups: result.groups,
        },
        null,
        2,
      ),
    );
    return result.errors.length === 0 ? 0 : 1;
  }

  print(`名单：${result.sources.units}`);
  if (result.sources.groups !== undefined) print(`指导组：${result.sources.groups}`);
  print(`通知渠道：${labelChannels(channels)}（${channelSource}）`);
  print(`${result.unitRowCount} 个单位，${result.groupCount} 个指导组，${result.errors.length} 处错误`);

  if (result.errors.length > 0) {
    print('');
    print('错误：');
    for (const e of result.errors) print(`  ${e.message}`);
  }
  if (result.warnings.length > 0) {
    print('');
    print('提示（不影响启动）：');
    for (const w of result.warnings) print(`  ${w.message}`);
  }
  if (outsidePlan.length > 0) {
    const byType = new Map<string, number>();
    for (const u of outsidePlan) byType.set(UNIT_TYPES[u.type], (byType.get(UNIT_TYPES[u.type]) ?? 0) + 1);
    const planTypes = (planUnitTypes ?? [])
      .map((t) => UNIT_TYPES[t as keyof typeof UNIT_TYPES] ?? t)
      .join('、');
    print('');
    print(
      `注意：本方案适用于${planTypes}；名单中另有 ${outsidePlan.length} 个单位（${[...byType].map(([t, n]) => `${t} ${n} 个`).join('、')}）需要用其他方案启动。`,
    );
  }

  print('');
  if (result.errors.length === 0) {
    print('名单无误，可以启动。');
    return 0;
  }
  if (opts.skipBadRows && result.usable) {
    const skipped = result.rowsWithErrors.length;
    print(
      `已按要求跳过有错误的 ${skipped} 行（第 ${result.rowsWithErrors.join('、')} 行），其余 ${result.units.length} 个单位可以启动；被跳过的单位改正后需另行启动。`,
    );
  } else if (!result.fatal && !opts.skipBadRows) {
    print(
      `名单有错误，不能启动任何单位。请改正后重新检查；如确需先启动没有错误的单位，可加 --skip-bad-rows（将跳过第 ${result.rowsWithErrors.join('、')} 行）。`,
    );
  } else {
    print('名单有整体性错误（文件、表头或指导组表），不能启动任何单位，也不能跳过。请改正后重新检查。');
  }
  return 1;
}

export function registerRosterCommands(program: Command): void {
  const roster = program.command('roster').description('参学单位名单（CSV / XLSX）');
  roster
    .command('check')
    .description('检查名单：逐行核对单位、联系人、指导组，一次列出全部错误（有错误时退出码为 1）')
    .argument('<file>', '名单文件（.xlsx 含「指导组」工作表，或 .csv）')
    .option('--groups <file>', '指导组成员表（CSV 名单必须提供；XLSX 名单可省略）')
    .option('--plan <file>', '活动方案（YAML），按方案使用的通知渠道检查联系方式')
    .option('--channels <list>', '未给方案时使用的通知渠道，如 email,sms（可用 email、sms、dingtalk、wecom）')
    .option('--skip-bad-rows', '跳过有错误的行，只保留无误的单位（须由活动办明确决定）')
    .option('--json', '以 JSON 输出')
    .action(async (file: string, opts: RosterCheckOptions) => {
      process.exitCode = await runRosterCheck(file, opts);
    });
}
