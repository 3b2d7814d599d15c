/** docs/reliability.md from a fault campaign's result: the faults with times, the numbers, time to recover. */
import { writeFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';
import type { ChaosResult } from './campaign.js';

const KIND: Record<string, string> = {
  'worker-kill': 'worker SIGKILL 后重启',
  'temporal-restart': 'Temporal 服务器重启',
  'postgres-restart': 'PostgreSQL 重启',
  'smtp-refusal': 'SMTP 拒绝连接（421）',
  'sms-5xx': '短信网关答 503',
};

export function reliabilityReport(r: ChaosResult, command: string, when: Date): string {
  const f = r.mail.fault;
  const t = r.mail.twin;
  const recovery = r.faults.map((x) => x.recoverySeconds).filter((x): x is number => x !== undefined);
  const max = recovery.length > 0 ? Math.max(...recovery) : 0;
  const lines = [
    '# Reliability: the fault campaign',
    '',
    `Written by \`${command}\` (test/chaos/main.ts) on ${when.toISOString().slice(0, 16)} UTC; rerun it to refresh this file.`,
    '',
    'A compressed campaign (plans/demo.yaml with SMS beside email) for ' +
      `${r.options.units} 镇机关 units runs on the production stack (PostgreSQL, the Temporal server v1.29.1 on it, MinIO, two workers, two API replicas), driven through the API by the demo's simulated people: on-time, late and very late liaisons, 指导组 reviews and returns, and surveys of which some come back mostly 不满意 (补课). ` +
      'A fault-free twin of the same script (same roster, people and start instant) runs beside it under a second campaign id, on its own task queue, worker, API, SMTP server and SMS gateway (it shares the Temporal server and the database, so it also lives through their restarts).',
    '',
    `Seed \`CHAOS_SEED=${r.options.seed}\`; ${r.minutes.total} minutes in all, the campaigns ${r.minutes.campaign} minutes.`,
    '',
    '## Result',
    '',
    r.failures.length === 0
      ? '**Passed**: every check below held.'
      : `**Failed** (${r.failures.length}):\n\n${r.failures.map((x) => `- ${x}`).join('\n')}`,
    '',
    '| | run under fault | fault-free twin |',
    '|---|---|---|',
    `| units compared (final state, phase, stages, task statuses and returns, 补课 rounds, survey outcome) | ${r.unitsCompared}, ${r.unitsDiffering.length} differing | — |`,
    `| units through 补课 / returned tasks | ${r.remedialUnits} / ${r.returnedTasks} | |`,
    `| notifications expected (delivery log: email + SMS) | ${f.expected} (${f.email} + ${f.sms}) | ${t.expected} (${t.email} + ${t.sms}) |`,
    `| delivered exactly once | ${f.delivered} | ${t.delivered} |`,
    `| duplicated | ${f.duplicated.length} | ${t.duplicated.length} |`,
    `| lost (logged sent, never received) | ${f.lost.length} | ${t.lost.length} |`,
    `| uncertain (received / on the problem list) | ${f.uncertain.length} (${f.uncertainReceived} / ${f.uncertain.length - r.uncertainNotListed.length}) | ${t.uncertain.length} |`,
    `| suppressed on purpose (escalation repeats past the weekly cap per address; none received) | ${f.suppressed} | ${t.suppressed} |`,
    `| failed / unsettled | ${f.failed.length} / ${f.unsettled.length} | ${t.failed.length} / ${t.unsettled.length} |`,
    `| received by the twin's recipients, not by the fault run's / the reverse | ${r.onlyTwin.length} / ${r.onlyFault.length} | |`,
    `| stuck units (health scan 流程异常) | ${r.stuck.length} | |`,
    `| histories: events, WorkflowTaskFailed, WorkflowTaskTimedOut | ${r.histories.fault.events}, ${r.histories.fault.workflowTaskFailed.length}, ${r.histories.fault.workflowTaskTimedOut} | ${r.histories.twin.events}, ${r.histories.twin.workflowTaskFailed.length}, ${r.histories.twin.workflowTaskTimedOut} |`,
    `| people's operations through the API (requests failed over to the other replica) | ${r.operations} (${r.failedOver}) | |`,
    '',
    '## Faults injected',
    '',
    'Time to recover: from the moment the service was back (process ready, server accepting, stretch over) to the next Update the API accepted (it needs a completed workflow task and a read-model write) or, for SMTP and SMS, to the next message the receiver accepted.',
    '',
    '| at (s after start) | fault | down (s) | back after (s) | recovered (s) | detail |',
    '|---|---|---|---|---|---|',
    ...r.faults.map(
      (x) =>
        `| ${x.at} | ${KIND[x.kind] ?? x.kind} | ${x.downSeconds} | ${((x.endedAt - x.startedAt) / 1000).toFixed(1)} | ${x.recoverySeconds ?? '—'} | ${x.detail} |`,
    ),
    '',
    `${r.faults.length} faults: ${r.faults.filter((x) => x.kind === 'worker-kill').length} worker kills, ${r.faults.filter((x) => x.kind === 'temporal-restart').length} Temporal restarts, ${r.faults.filter((x) => x.kind === 'postgres-restart').length} PostgreSQL restart, one SMTP refusal stretch and one SMS outage. Longest time to recover: ${max} s.`,
    '',
    '## Defects the fault campaign found (fixed)',
    '',
    '- At the PostgreSQL restart every worker died: the delivery log, robot window and read-model pools had no error listener, so a connection PostgreSQL ended was an uncaught `error` event (fixed: they use `db/pool.ts`; test/integration/notify/postgres-connection-loss.test.ts).',
    '- In the 200-unit run a worker still died at the PostgreSQL restart: a connection ended while checked out (between the queries of a transaction) emits `error` on the client, which the pool does not listen to (fixed: `openPool` gives every client a listener; same test file).',
    '- The runner itself: waiting with `result()` long-polls left calls on a closed connection when a run overran its bound; it now polls `describe()`.',
    '',
  ];
  return lines.join('\n');
}

export async function writeReport(file: string, r: ChaosResult, command: string): Promise<void> {
  // Formatted as the repository's Prettier check expects, so a rerun leaves a clean tree.
  const options = (await resolveConfig(file)) ?? {};
  await writeFile(
    file,
    await format(reliabilityReport(r, command, new Date()), { ...options, filepath: file }),
  );
}
