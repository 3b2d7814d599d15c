/** The operations on running units (`submit`, `review`, `survey`, `extend`, `pause`, …), for one unit or a batch by filter: the request each option set builds. */
import { readFile } from 'node:fs/promises';
import { DEFAULT_OFFICE, liaisonId } from '../../../app/people.js';
import {
  OPERATION_LABELS,
  runOperation,
  type Operation,
  type OperationRequests,
} from '../../../app/unit-operations.js';
import { CampaignFailure, FAILURE_TYPES } from '../../../domain/failures.js';
import { progressBar } from './progress.js';
import type { CliContext, FilterOptions } from './context.js';
import { DEFAULT_UPLOADS, UsageError, filterOf } from './context.js';
import { printUnitStatus } from './status.js';
import { EXTENSION_BUILDERS } from '../extension-builders.js';
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

export async function runUpdate<Op extends Operation>(
  op: Op,
  o: UpdateOptions,
  build: RequestBuilder<Op>,
  ctx: CliContext,
): Promise<number> {
  const { runBatch } = await import('../../../app/batch.js');
  const label = OPERATION_LABELS[op];
  if (o.unit !== undefined) {
    try {
      const s = await runOperation(ctx, o.campaign, o.unit, op, await build(o, o.unit));
      if (o.json) ctx.print(JSON.stringify(s, null, 2));
      else {
        ctx.print(`已${label}：${s.unitName}（${s.unitId}）`);
        printUnitStatus(s, ctx.print);
      }
      return 0;
    } catch (e) {
      if (!(e instanceof CampaignFailure)) throw e;
      if (o.json)
        ctx.print(
          JSON.stringify({ ok: false, error: FAILURE_TYPES[e.type].code, problems: e.problems }, null, 2),
        );
      else {
        ctx.print(`${label}未成功（${o.unit}）：`);
        for (const p of e.problems) ctx.print(`  ${p}`);
      }
      return 1;
    }
  }
  if (o.unitType === undefined && o.group === undefined && o.stage === undefined) {
    throw new UsageError('请用 --unit 指定单位，或用 --unit-type / --group / --stage 指定一批单位');
  }
  const first = await build(o, '');
  let bar = progressBar(0, '');
  const r = await runBatch(ctx, filterOf(o), op, () => first, {
    concurrency: Number(o.concurrency ?? 16),
    onMatched: (n) => {
      if (!o.json) bar = progressBar(n, label);
    },
    onUnitDone: () => bar.tick(),
  });
  bar.done();
  if (o.json) ctx.print(JSON.stringify(r, null, 2));
  else {
    ctx.print(
      `批量${label}：符合条件的运行中单位 ${r.matched} 个，成功 ${r.succeeded} 个，失败 ${r.failed} 个`,
    );
    for (const x of r.outcomes) if (!x.ok) ctx.print(`  ${x.unitId}：${x.error ?? ''}`);
  }
  return r.failed === 0 ? 0 : 1;
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

export const BUILDERS: { [Op in Operation]: RequestBuilder<Op> } = {
  ...EXTENSION_BUILDERS,
  submit: async (o, unitId) => ({
    taskId: str(o, 'task') ?? '',
    summary: str(o, 'summary') ?? '',
    fileRefs: await fileRefs(o),
    submittedBy: o.by ?? liaisonId(unitId),
  }),
  review: (o) => ({
    taskId: str(o, 'task') ?? '',
    reviewedBy: by(o),
    decision: o.return ? 'return' : 'approve',
    ...(list(o, 'reason').length > 0 ? { reasons: list(o, 'reason') } : {}),
    ...(list(o, 'failed').length > 0 ? { failedItems: list(o, 'failed') } : {}),
  }),
  acknowledge: (o) => ({
    taskId: str(o, 'task') ?? '',
    level: int(o, 'level'),
    by: by(o),
    ...opt('note', str(o, 'note')),
  }),
  extend: (o) => ({
    taskId: str(o, 'task') ?? '',
    newDue: str(o, 'to') ?? '',
    by: by(o),
    reason: list(o, 'reason').join('；'),
  }),
  addGap: (o) => ({
    by: by(o),
    title: str(o, 'title') ?? '',
    ...opt('note', str(o, 'note')),
    ...opt('due', str(o, 'due')),
  }),
  survey: (o) => {
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
  pause: (o) => ({ by: by(o), ...opt('reason', list(o, 'reason').join('；') || undefined) }),
  resume: (o) => ({
    by: by(o),
    ...opt('reason', list(o, 'reason').join('；') || undefined),
    ...opt('shiftBy', str(o, 'shiftBy')),
  }),
  shift: (o) => ({
    by: by(o),
    shift: str(o, 'shift') ?? '',
    ...opt('reason', list(o, 'reason').join('；') || undefined),
  }),
  waive: (o) => ({ by: by(o), taskId: str(o, 'task') ?? '', reason: list(o, 'reason').join('；') }),
  adhoc: (o) => ({
    by: by(o),
    title: str(o, 'title') ?? '',
    due: str(o, 'due') ?? '',
    ...opt('note', str(o, 'note')),
  }),
  cancel: (o) => ({ by: by(o), reason: list(o, 'reason').join('；') }),
};
