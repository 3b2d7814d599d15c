/** The operations on running units (`submit`, `review`, `survey`, `extend`, `pause`, …), for one unit or a batch by filter; the request each option set builds is in update-commands.ts. */
import { OPERATION_LABELS, runOperation, type Operation } from '../../../app/unit-operations.js';
import { CampaignFailure, FAILURE_TYPES } from '../../../domain/failures.js';
import { progressBar } from './progress.js';
import type { CliContext } from './context.js';
import { UsageError, filterOf } from './context.js';
import { printUnitStatus } from './status.js';
import type { RequestBuilder, UpdateOptions } from './update-commands.js';
export { BUILDERS, type RequestBuilder, type UpdateOptions } from './update-commands.js';

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
