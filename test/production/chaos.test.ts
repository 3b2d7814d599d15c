/**
 * The short fault campaign of `npm test` (the full one is `npm run chaos`, test/chaos/main.ts): 20
 * units on the production stack beside a fault-free twin, with two worker SIGKILLs, one Temporal
 * server restart, one PostgreSQL restart, a stretch of SMTP refusals and one of SMS 503s. Every
 * check of the full campaign must hold (test/chaos/campaign.ts lists them as failures).
 */
import { expect, it } from 'vitest';
import { runChaos } from '../chaos/campaign.js';

const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 1_000_000));

it('20 units through worker kills, Temporal and PostgreSQL restarts, SMTP refusals and SMS 503s end as their fault-free twin', async () => {
  const log = (line: string) => process.stderr.write(`[chaos] ${line}\n`);
  log(`seed ${SEED}（重复这次运行：CHAOS_SEED=${SEED}）`);
  const r = await runChaos({
    units: 20,
    seed: SEED,
    faults: {
      workerKills: 2,
      temporalRestarts: 1,
      postgresRestarts: 1,
      smtpRefusalSeconds: 30,
      smsOutageSeconds: 20,
    },
    log,
  });
  log(
    JSON.stringify({
      faults: r.faults.map((f) => `${f.kind}@${f.at}s→${f.recoverySeconds ?? '—'}s`),
      expected: r.mail.fault.expected,
      delivered: r.mail.fault.delivered,
      uncertain: r.mail.fault.uncertain.length,
      minutes: r.minutes,
    }),
  );
  expect(r.failures).toEqual([]);
  expect(r.unitsCompared).toBe(20);
}, 1_500_000);
