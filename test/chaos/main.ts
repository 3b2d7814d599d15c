/**
 * `npm run chaos`: the 200-unit fault campaign (campaign.ts), its report in docs/reliability.md.
 * CHAOS_UNITS and CHAOS_SEED change the size and the fault moments; CHAOS_REPORT the report's path;
 * CHAOS_FINISH_MINUTES how long after the start every unit must have finished (default 12, or a
 * minute per 8 units: 25 at 200, where two cores deliver about 60,000 notifications).
 * Exits 1 if any check failed (the report is written either way).
 */
import path from 'node:path';
import { repoRoot } from '../../toolchain/paths.js';
import { runChaos } from './campaign.js';
import { writeReport } from './report.js';

const units = Number(process.env.CHAOS_UNITS ?? 200);
const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 1_000_000));
const report = process.env.CHAOS_REPORT ?? path.join(repoRoot, 'docs', 'reliability.md');
const finishMinutes = Number(process.env.CHAOS_FINISH_MINUTES ?? Math.max(12, units / 8));
const log = (line: string) => process.stderr.write(`[chaos] ${line}\n`);

log(`${units} units, seed ${seed}（重复这次运行：CHAOS_SEED=${seed}）`);
const result = await runChaos({
  units,
  seed,
  faults: {
    workerKills: 10,
    temporalRestarts: 2,
    postgresRestarts: 1,
    smtpRefusalSeconds: 40,
    smsOutageSeconds: 30,
  },
  finishTimeoutMs: finishMinutes * 60_000,
  log,
});
await writeReport(report, result, `CHAOS_UNITS=${units} CHAOS_SEED=${seed} npm run chaos`);
const { histories, mail, ...numbers } = result;
log(
  JSON.stringify({
    ...numbers,
    mail: Object.fromEntries(
      Object.entries(mail).map(([k, m]) => [
        k,
        {
          expected: m.expected,
          delivered: m.delivered,
          duplicated: m.duplicated.length,
          lost: m.lost.length,
          uncertain: m.uncertain.length,
        },
      ]),
    ),
    workflowTaskFailed: histories.fault.workflowTaskFailed.length + histories.twin.workflowTaskFailed.length,
  }),
);
log(`report: ${report}`);
process.exit(result.failures.length === 0 ? 0 : 1);
