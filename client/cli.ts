/**
 * `campaign …`: the office's command line. Each area registers its commands from
 * client/commands/<area>.ts; output is Chinese, read commands take --json.
 */
import { Command } from 'commander';
import { registerArchiveCommands } from './archive-commands.js';
import { loadEnvFile } from '../config/environment.js';
import { registerCampaignCommands } from './commands/campaign.js';
import { registerNotifyCommands } from './commands/notify.js';
import { registerPlanCommands } from './commands/plan.js';
import { registerRepairCommand } from './commands/repair.js';
import { registerRosterCommands } from './commands/roster.js';

// The same configuration as the API and the worker: the environment, then `.env` for what it leaves unset.
try {
  loadEnvFile();
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}

const program = new Command('campaign')
  .description('学习实践活动编排系统：按单位跟踪各阶段任务、提醒、督办、回头看与补课')
  .showHelpAfterError('（加 --help 查看用法）');

registerPlanCommands(program);
registerRosterCommands(program);
registerCampaignCommands(program);
registerNotifyCommands(program);
registerArchiveCommands(program);
registerRepairCommand(program);

await program.parseAsync(process.argv);
