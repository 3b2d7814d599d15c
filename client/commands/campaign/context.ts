/** The shared parts of the office's campaign commands: the printer and client context, usage errors, the office file, the unit filter options and connecting for one command. */
import type { Command } from 'commander';
import { DEFAULT_OFFICE, loadOfficeFile, type Office } from '../../../app/people.js';
import { type UnitFilter } from '../../../app/visibility.js';
import { CampaignFailure } from '../../../domain/failures.js';
import type { parseRosterFile as ParseRosterFile } from '../../../domain/roster/parse-file.js';
import { UNIT_TYPE_IDS } from '../../../domain/unit-types.js';
import { connectClient } from '../../connection.js';
import type { CampaignServices } from '../../../app/services.js';
import { lazyStatusStore, openConfiguredStatusStore } from '../../../app/status/open.js';
import { UsageError } from './basics.js';
// Modules only some commands need (Excel, Word, the S3 SDK, roster files, schedules) are imported
// where those commands run, so `campaign status` starts without them.
export const parseRosterFile: typeof ParseRosterFile = async (...a) =>
  (await import('../../../domain/roster/parse-file.js')).parseRosterFile(...a);

export type Print = (line: string) => void;
export interface CliContext extends CampaignServices {
  print: Print;
}

export const DEFAULT_TASK_QUEUE = process.env.CAMPAIGN_TASK_QUEUE ?? 'campaign';
export { DEFAULT_UPLOADS, UsageError, collect } from './basics.js';

export async function officeFrom(file: string | undefined): Promise<Office> {
  if (file === undefined) return DEFAULT_OFFICE;
  const r = await loadOfficeFile(file);
  if (!r.ok) throw new UsageError(r.errors.join('\n'));
  return r.office;
}

export interface FilterOptions {
  campaign: string;
  unit?: string;
  unitType?: string;
  group?: string;
  stage?: string;
}

export function filterOf(o: FilterOptions): UnitFilter {
  if (o.unitType !== undefined && !UNIT_TYPE_IDS.includes(o.unitType as never))
    throw new UsageError(`--unit-type：「${o.unitType}」不是单位类型（可用：${UNIT_TYPE_IDS.join('、')}）`);
  return {
    campaignId: o.campaign,
    ...(o.unit !== undefined ? { unitId: o.unit } : {}),
    ...(o.unitType !== undefined ? { unitType: o.unitType } : {}),
    ...(o.group !== undefined ? { group: o.group } : {}),
    ...(o.stage !== undefined ? { stage: o.stage } : {}),
  };
}

export async function withClient(fn: (ctx: CliContext) => Promise<number>): Promise<void> {
  let code = 1;
  try {
    const c = await connectClient();
    const status = lazyStatusStore(() => openConfiguredStatusStore(process.env));
    try {
      code = await fn({ client: c.client, status, print: (l) => console.log(l) });
    } finally {
      await Promise.allSettled([c.close(), status.close()]);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof CampaignFailure) console.error(e.message);
    else console.error(`出错了：${(e as Error).message}`);
  }
  process.exitCode = code;
}

export function filterOptions(c: Command, unitRequired = false): Command {
  c.requiredOption('--campaign <id>', '活动编号');
  if (unitRequired) c.requiredOption('--unit <id>', '单位编号');
  else {
    c.option('--unit <id>', '单位编号')
      .option('--unit-type <type>', `按单位类型批量（${UNIT_TYPE_IDS.join('、')}）`)
      .option('--group <id>', '按指导组批量')
      .option('--stage <id>', '按当前阶段批量')
      .option('--concurrency <n>', '批量时同时处理的单位数', '16');
  }
  return c
    .option('--by <person>', '操作人编号（默认活动办 office；报送默认本单位联络员）')
    .option('--json', '以 JSON 输出结果');
}
