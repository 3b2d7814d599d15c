/**
 * The `campaign` command tree, area by area. Each area's module (client/commands/<area>.ts) is
 * imported only when one of its commands runs, so `campaign status` does not load Excel, Word,
 * the S3 SDK or the worker; `campaign --help` is answered from the pages the build writes
 * (client/cli-help.ts) without loading any of them.
 */
import { Command } from 'commander';
import { UPDATE_COMMAND_NAMES } from './commands/campaign/update-commands.js';

type Register = (program: Command) => void;

/** Every area, the top-level commands it registers (kept equal by test/unit/cli/areas.test.ts) and its module. */
export const AREAS: { name: string; commands: readonly string[]; load: () => Promise<Register> }[] = [
  {
    name: 'plan',
    commands: ['plan'],
    load: async () => (await import('./commands/plan.js')).registerPlanCommands,
  },
  {
    name: 'roster',
    commands: ['roster'],
    load: async () => (await import('./commands/roster.js')).registerRosterCommands,
  },
  {
    name: 'campaign',
    commands: ['start', 'status', 'overdue', ...UPDATE_COMMAND_NAMES, 'report', 'tokens', 'digest', 'api'],
    load: async () => (await import('./commands/campaign.js')).registerCampaignCommands,
  },
  {
    name: 'extension',
    commands: ['extension'],
    load: async () => (await import('./commands/extension.js')).registerExtensionCommands,
  },
  {
    name: 'notify',
    commands: ['notify'],
    load: async () => (await import('./commands/notify.js')).registerNotifyCommands,
  },
  {
    name: 'archive',
    commands: ['archive'],
    load: async () => (await import('./archive-commands.js')).registerArchiveCommands,
  },
  {
    name: 'calendar',
    commands: ['calendar'],
    load: async () => (await import('./commands/calendar.js')).registerCalendarCommands,
  },
  {
    name: 'repair',
    commands: ['repair'],
    load: async () => (await import('./commands/repair.js')).registerRepairCommand,
  },
];

export function newProgram(): Command {
  return new Command('campaign')
    .description('学习实践活动编排系统：按单位跟踪各阶段任务、提醒、督办、回头看与补课')
    .showHelpAfterError('（加 --help 查看用法）');
}

/**
 * The program for these arguments: only the area that owns the command named first, or every
 * area when none does (help, a typo, no command), so commander's answer is the same as ever.
 */
export async function programFor(argv: readonly string[]): Promise<Command> {
  const program = newProgram();
  const first = argv[0];
  const owner = AREAS.find((a) => first !== undefined && a.commands.includes(first));
  for (const area of owner ? [owner] : AREAS) (await area.load())(program);
  return program;
}
