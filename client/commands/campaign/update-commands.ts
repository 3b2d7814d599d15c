/**
 * One row per unit operation on the command line: its command (name, description, flags) and the
 * request its options build. campaign.ts registers the rows that have a command, program.ts takes
 * their names for the campaign area, and the mapped type makes a missing operation fail to compile,
 * so a new operation adds one row here. Kept light (type imports, basics.ts, people-ids.ts):
 * program.ts imports it at every start.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_OFFICE, liaisonId } from '../../../app/people-ids.js';
import type { Operation, OperationRequests } from '../../../app/unit-operations.js';
import { EXTENSION_BUILDERS } from '../extension-builders.js';
import { DEFAULT_UPLOADS, UsageError, collect } from './basics.js';
import type { FilterOptions } from './context.js';

export interface UpdateOptions extends FilterOptions {
  by?: string;
  json?: boolean;
  concurrency?: string;
  [k: string]: unknown;
}

/** Builds the Update request from command-line options; `unitId` is the unit it goes to. */
export type RequestBuilder<Op extends Operation> = (
  o: UpdateOptions,
  unitId: string,
) => OperationRequests[Op] | Promise<OperationRequests[Op]>;

export interface OperationCommand<Op extends Operation> {
  build: RequestBuilder<Op>;
  /** The `campaign <name>` command; absent where another area registers the operation's commands. */
  command?: {
    name: string;
    description: string;
    flags: (c: Command) => Command;
    /** --unit is required (the operation acts on one unit, never a batch). */
    unitRequired?: boolean;
  };
}

const str = (o: UpdateOptions, k: string): string | undefined =>
  typeof o[k] === 'string' ? o[k] : undefined;
const list = (o: UpdateOptions, k: string): string[] => (Array.isArray(o[k]) ? (o[k] as string[]) : []);
const int = (o: UpdateOptions, k: string): number => {
  const v = str(o, k);
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 0)
    throw new UsageError(
      `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}：「${String(v)}」不是非负整数`,
    );
  return n;
};
const by = (o: UpdateOptions) => o.by ?? DEFAULT_OFFICE.members[0]!.id;
const opt = <K extends string>(k: K, v: string | undefined): Partial<Record<K, string>> =>
  v === undefined ? {} : ({ [k]: v } as Record<K, string>);

/** Files named with --file are stored like API uploads; the workflow gets only their references. */
async function fileRefs(o: UpdateOptions): Promise<string[]> {
  const { openUploadStore, uploadStoreConfig } = await import('../../api/uploads-config.js');
  const store = openUploadStore(uploadStoreConfig(process.env, str(o, 'uploads') ?? DEFAULT_UPLOADS));
  const refs = [...list(o, 'ref')];
  for (const f of list(o, 'file')) {
    let bytes: Buffer;
    try {
      bytes = await readFile(f);
    } catch {
      throw new UsageError(`--file：无法读取文件「${f}」`);
    }
    refs.push((await store.put(bytes)).ref);
  }
  return refs;
}

/** In the order `campaign --help` lists the commands. */
export const UPDATE_COMMANDS: { [Op in Operation]: OperationCommand<Op> } = {
  submit: {
    command: {
      name: 'submit',
      description: '报送材料（--file 上传文件，流程只记录文件引用）',
      flags: (c) =>
        c
          .requiredOption('--task <id>', '事项编号')
          .requiredOption('--summary <text>', '简要说明')
          .option('--file <path>', '材料文件，可多次', collect)
          .option('--ref <sha256:…>', '已上传文件的引用，可多次', collect)
          .option('--uploads <dir>', '文件存放目录', DEFAULT_UPLOADS),
      unitRequired: true,
    },
    build: async (o, unitId) => ({
      taskId: str(o, 'task') ?? '',
      summary: str(o, 'summary') ?? '',
      fileRefs: await fileRefs(o),
      submittedBy: o.by ?? liaisonId(unitId),
    }),
  },
  review: {
    command: {
      name: 'review',
      description: '审查材料：默认通过，--return 退回并写明理由',
      flags: (c) =>
        c
          .requiredOption('--task <id>', '事项编号')
          .option('--return', '退回')
          .option('--reason <text>', '退回理由，可多次', collect)
          .option('--failed <item>', '未通过的检查项，可多次', collect),
      unitRequired: true,
    },
    build: (o) => ({
      taskId: str(o, 'task') ?? '',
      reviewedBy: by(o),
      decision: o.return ? 'return' : 'approve',
      ...(list(o, 'reason').length > 0 ? { reasons: list(o, 'reason') } : {}),
      ...(list(o, 'failed').length > 0 ? { failedItems: list(o, 'failed') } : {}),
    }),
  },
  survey: {
    command: {
      name: 'survey',
      description: '录入满意度测评结果',
      flags: (c) =>
        c
          .requiredOption('--satisfied <n>', '满意人数')
          .requiredOption('--basically-satisfied <n>', '基本满意人数')
          .requiredOption('--dissatisfied <n>', '不满意人数')
          .option('--respondents <n>', '参评人数（默认三项之和）')
          .option('--method <m>', '集中评议、无记名投票或随机抽样', '无记名投票'),
      unitRequired: true,
    },
    build: (o) => {
      const satisfied = int(o, 'satisfied');
      const basicallySatisfied = int(o, 'basicallySatisfied');
      const dissatisfied = int(o, 'dissatisfied');
      const respondents =
        str(o, 'respondents') === undefined
          ? satisfied + basicallySatisfied + dissatisfied
          : int(o, 'respondents');
      return {
        by: by(o),
        satisfied,
        basicallySatisfied,
        dissatisfied,
        respondents,
        method: (str(o, 'method') ?? '无记名投票') as OperationRequests['survey']['method'],
      };
    },
  },
  acknowledge: {
    command: {
      name: 'ack',
      description: '确认督办',
      flags: (c) =>
        c
          .requiredOption('--task <id>', '事项编号')
          .requiredOption('--level <n>', '督办级别')
          .option('--note <text>', '说明'),
      unitRequired: true,
    },
    build: (o) => ({
      taskId: str(o, 'task') ?? '',
      level: int(o, 'level'),
      by: by(o),
      ...opt('note', str(o, 'note')),
    }),
  },
  addGap: {
    command: {
      name: 'gap',
      description: '增加回头看查缺补缺事项',
      flags: (c) =>
        c
          .requiredOption('--title <text>', '事项名称')
          .option('--note <text>', '说明')
          .option('--due <date>', '截止时间'),
    },
    build: (o) => ({
      by: by(o),
      title: str(o, 'title') ?? '',
      ...opt('note', str(o, 'note')),
      ...opt('due', str(o, 'due')),
    }),
  },
  extend: {
    command: {
      name: 'extend',
      description: '延期一个事项',
      flags: (c) =>
        c
          .requiredOption('--task <id>', '事项编号')
          .requiredOption('--to <date>', '新的截止日期或时刻')
          .requiredOption('--reason <text>', '延期理由', collect),
    },
    build: (o) => ({
      taskId: str(o, 'task') ?? '',
      newDue: str(o, 'to') ?? '',
      by: by(o),
      reason: list(o, 'reason').join('；'),
    }),
  },
  waive: {
    command: {
      name: 'waive',
      description: '免除一个事项',
      flags: (c) =>
        c.requiredOption('--task <id>', '事项编号').requiredOption('--reason <text>', '免除理由', collect),
    },
    build: (o) => ({ by: by(o), taskId: str(o, 'task') ?? '', reason: list(o, 'reason').join('；') }),
  },
  supervise: {
    command: {
      name: 'supervise',
      description: '记录督导情况（记入单位大事记，随单位档案归档）',
      flags: (c) =>
        c.requiredOption(
          '--summary <text>',
          '督导情况：督导检查、列席会议、个别谈话、发现的问题和要求',
          collect,
        ),
      unitRequired: true,
    },
    build: (o) => ({ by: by(o), summary: list(o, 'summary').join('；') }),
  },
  pause: {
    command: {
      name: 'pause',
      description: '暂停（单位或一批单位）',
      flags: (c) => c.option('--reason <text>', '暂停理由', collect),
    },
    build: (o) => ({ by: by(o), ...opt('reason', list(o, 'reason').join('；') || undefined) }),
  },
  resume: {
    command: {
      name: 'resume',
      description: '恢复；日期默认顺延暂停的天数',
      flags: (c) =>
        c.option('--reason <text>', '说明', collect).option('--shift-by <duration>', '顺延时长，如 5wd、7d'),
    },
    build: (o) => ({
      by: by(o),
      ...opt('reason', list(o, 'reason').join('；') || undefined),
      ...opt('shiftBy', str(o, 'shiftBy')),
    }),
  },
  shift: {
    command: {
      name: 'shift',
      description: '整体调整日期',
      flags: (c) =>
        c
          .requiredOption('--shift <duration>', '顺延时长：5wd、7d、1mo、2h（只能推后）')
          .option('--reason <text>', '说明', collect),
    },
    build: (o) => ({
      by: by(o),
      shift: str(o, 'shift') ?? '',
      ...opt('reason', list(o, 'reason').join('；') || undefined),
    }),
  },
  adhoc: {
    command: {
      name: 'adhoc',
      description: '增加督办事项',
      flags: (c) =>
        c
          .requiredOption('--title <text>', '事项名称')
          .requiredOption('--due <date>', '截止时间')
          .option('--note <text>', '说明'),
    },
    build: (o) => ({
      by: by(o),
      title: str(o, 'title') ?? '',
      due: str(o, 'due') ?? '',
      ...opt('note', str(o, 'note')),
    }),
  },
  cancel: {
    command: {
      name: 'cancel',
      description: '撤销（单位或一批单位）',
      flags: (c) => c.requiredOption('--reason <text>', '撤销理由', collect),
    },
    build: (o) => ({ by: by(o), reason: list(o, 'reason').join('；') }),
  },
  // 延期申请 has an area of its own (client/commands/extension.ts registers its commands).
  requestExtension: { build: EXTENSION_BUILDERS.requestExtension },
  decideExtension: { build: EXTENSION_BUILDERS.decideExtension },
};

export const BUILDERS = Object.fromEntries(
  Object.entries(UPDATE_COMMANDS).map(([op, row]) => [op, row.build]),
) as { [Op in Operation]: RequestBuilder<Op> };

/** The `campaign` commands of the operations, in table order (the campaign area in program.ts). */
export const UPDATE_COMMAND_NAMES: readonly string[] = Object.values(UPDATE_COMMANDS).flatMap((r) =>
  r.command ? [r.command.name] : [],
);
