/**
 * One fault campaign: the same compressed campaign (plans/demo.yaml with SMS, N 镇机关 units, the
 * demo's people scaled up) launched twice on one production stack at the same instant, the run
 * under fault and its fault-free twin, both driven through the API. The faults (faults.ts) hit the
 * run under fault; the twin has its own worker, API, SMTP server and SMS gateway (it shares the
 * Temporal server and the database, so it also sees their restarts). Then everything verify.ts
 * checks; every broken promise is a line in `failures`.
 */
import { startDriver } from '../../client/demo/driver.js';
import { unitWorkflowId } from '../../workflows/ids.js';
import type { UnitCampaignResult } from '../../workflows/unit-campaign/messages.js';
import { seededRandom } from '../integration/restart/schedule.js';
import { mailLedger } from '../integration/restart/mail-ledger.js';
import { rosterCsv } from '../production/support/roster.js';
import { injectFaults, measureRecovery, planFaults, type FaultCounts, type InjectedFault } from './faults.js';
import { apiPeople, chaosPeople, chaosPlan } from './people.js';
import { startChaosStack, type Run } from './stack.js';
import {
  account,
  deliveryRows,
  finalState,
  listedUncertain,
  scanHistories,
  type Accounting,
  type HistoryScan,
} from './verify.js';

export interface ChaosOptions {
  units: number;
  seed: number;
  faults: FaultCounts;
  /** How long after the start every unit of both runs must have finished. */
  finishTimeoutMs: number;
  log: (line: string) => void;
}

export interface ChaosResult {
  options: Omit<ChaosOptions, 'log'>;
  faults: InjectedFault[];
  unitsCompared: number;
  unitsDiffering: string[];
  remedialUnits: number;
  returnedTasks: number;
  mail: Record<Run['name'], Accounting>;
  /** Notifications (suffix + address) the twin's recipients got and the fault run's did not, and back. */
  onlyTwin: string[];
  onlyFault: string[];
  uncertainNotListed: string[];
  stuck: string[];
  histories: Record<Run['name'], HistoryScan>;
  operations: number;
  failedOver: number;
  minutes: { total: number; campaign: number };
  failures: string[];
}

const CAMPAIGN_SECONDS = 300;

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const began = Date.now();
  const tag = `${process.pid}`;
  const stack = await startChaosStack({
    faultCampaign: `chaos-${tag}`,
    twinCampaign: `twin-${tag}`,
    log: o.log,
  });
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const roster = rosterCsv(o.units);
    const files = { plan: await chaosPlan(), units: roster.units, groups: roster.groups };
    const people = chaosPeople(roster.unitIds, roster.groupOf, o.seed);
    const runs = [stack.fault, stack.twin];
    // Both start at the same instant, after both launches (about 0.1 s a unit through the API).
    const start = new Date(Date.now() + 20_000 + o.units * 250);
    const tokens = await Promise.all(runs.map((r) => stack.launch(r, files, start)));
    o.log(`launched ${o.units} units twice; campaign starts ${start.toISOString()}`);
    const ledgers = runs.map((r) => mailLedger(r.mailbox));
    const apis = runs.map((r, i) =>
      apiPeople(r.apiUrls, r.campaignId, new Map(tokens[i]!.map((t) => [t.personId, t.token]))),
    );
    const driverLog: string[] = [];
    const drivers = runs.map((r, i) =>
      startDriver({
        ops: apis[i]!.ops,
        campaignId: r.campaignId,
        units: people,
        officePersonId: 'office',
        log: (l) => driverLog.push(`${r.name} ${l}`),
        quiet: true,
        // Every unit's status every 3 s, or less often for many units (200: every 5 s).
        everyMs: Math.max(3_000, o.units * 25),
      }),
    );
    stops.push(() => Promise.all(drivers.map((d) => d.stop())));

    // Polled, not long-polled: a run that overruns its bound leaves no call behind on a closed connection.
    const results = async (r: Run, deadline: number): Promise<UnitCampaignResult[]> => {
      const done = new Map<string, UnitCampaignResult>();
      while (done.size < roster.unitIds.length) {
        if (Date.now() > deadline)
          throw new Error(
            `${r.name}: ${done.size} of ${roster.unitIds.length} units finished in ${o.finishTimeoutMs / 1000} s\n${driverLog.slice(-20).join('\n')}`,
          );
        const open = roster.unitIds.filter((u) => !done.has(u));
        for (let i = 0; i < open.length; i += 20)
          await Promise.all(
            open.slice(i, i + 20).map(async (u) => {
              const h = stack.client.workflow.getHandle(unitWorkflowId(r.campaignId, u));
              const d = await h.describe().catch(() => undefined);
              if (d && d.status.name !== 'RUNNING') done.set(u, (await h.result()) as UnitCampaignResult);
            }),
          );
        if (done.size < roster.unitIds.length) await new Promise((x) => setTimeout(x, 5_000));
      }
      return roster.unitIds.map((u) => done.get(u)!);
    };
    let finished = false;
    const deadline = start.getTime() + o.finishTimeoutMs;
    const all = Promise.all(runs.map((r) => results(r, deadline))).finally(() => (finished = true));
    const plan = planFaults(o.faults, CAMPAIGN_SECONDS, seededRandom(o.seed));
    const injected = injectFaults({
      stack,
      plan,
      t0: start.getTime(),
      accepted: apis[0]!.accepted,
      stopped: () => finished,
      log: (l) => o.log(`[fault] ${l}`),
    });
    const [faultDone, twinDone] = await all.catch(async (e: unknown) => {
      await injected.catch(() => undefined);
      throw e;
    });
    const campaignMinutes = (Date.now() - start.getTime()) / 60_000;
    const faults = await injected;
    await Promise.all(drivers.map((d) => d.stop()));

    const failures: string[] = [];
    // Final states, unit by unit, read through each run's API as the console reads them.
    const states = await Promise.all(
      runs.map(async (r, i) => {
        const done = i === 0 ? faultDone! : twinDone!;
        const out = [];
        for (const res of done) out.push(finalState(res, await apis[i]!.ops.status(res.unitId)));
        return out;
      }),
    );
    const unitsDiffering = states[0]!
      .filter((s, k) => JSON.stringify(s) !== JSON.stringify(states[1]![k]))
      .map((s, k) => `${s.unitId}: ${JSON.stringify(s)} ≠ ${JSON.stringify(states[1]![k])}`);
    for (const d of unitsDiffering) failures.push(`final state differs: ${d}`);
    for (const s of states[0]!) if (s.outcome !== 'completed') failures.push(`${s.unitId} ${s.outcome}`);

    // Deliveries settle (one interrupted by a kill is retried after its heartbeat timeout).
    const settle = Date.now() + 240_000;
    const rowsOf = () => Promise.all(runs.map((r) => deliveryRows(stack.topology.databaseUrl, r.campaignId)));
    let rows = await rowsOf();
    const open = (xs: typeof rows) =>
      xs.flat().some((r) => !['sent', 'uncertain', 'failed'].includes(r.status));
    while (open(rows) && Date.now() < settle) {
      await new Promise((r) => setTimeout(r, 2_000));
      rows = await rowsOf();
    }
    await new Promise((r) => setTimeout(r, 2_000));
    const [faultMail, twinMail] = runs.map((r, i) => account(r, rows[i]!, ledgers[i]!)) as [
      Accounting,
      Accounting,
    ];
    for (const [name, m] of [
      ['fault', faultMail],
      ['twin', twinMail],
    ] as const) {
      for (const [what, xs] of Object.entries({
        duplicated: m.duplicated,
        lost: m.lost,
        failed: m.failed,
        'suppressed yet received': m.suppressedReceived,
        unsettled: m.unsettled,
        unknown: m.unknown,
      }))
        if (xs.length > 0) failures.push(`${name}: ${xs.length} ${what}: ${xs.slice(0, 5).join('; ')}`);
    }
    const officeToken = (i: number) => tokens[i]!.find((t) => t.personId === 'office')!.token;
    const listed = await listedUncertain(stack.fault, officeToken(0));
    const uncertainNotListed = faultMail.uncertain.filter((k) => !listed.has(k));
    if (uncertainNotListed.length > 0)
      failures.push(`uncertain not on the problem list: ${uncertainNotListed.join('; ')}`);
    const onlyTwin = [...twinMail.receivedKeys].filter(
      (k) => !faultMail.receivedKeys.has(k) && !faultMail.uncertain.some((u) => u.endsWith(k)),
    );
    const onlyFault = [...faultMail.receivedKeys].filter((k) => !twinMail.receivedKeys.has(k));

    // Nothing stuck: every unit finished, and the health scan lists no 流程异常.
    const stuck: string[] = [];
    for (const [i, r] of runs.entries()) {
      const p = await fetch(`${r.apiUrls[0]}/api/campaigns/${r.campaignId}/notification-problems`, {
        headers: { authorization: `Bearer ${officeToken(i)}` },
      }).then((x) => x.json() as Promise<{ workflowProblems?: { unitId: string }[] }>);
      for (const w of p.workflowProblems ?? []) stuck.push(`${r.name} ${w.unitId}`);
    }
    if (stuck.length > 0) failures.push(`stuck: ${stuck.join(', ')}`);
    const [faultHistory, twinHistory] = await Promise.all(
      runs.map((r) => scanHistories(stack.client, r.campaignId, roster.unitIds)),
    );
    for (const h of [faultHistory!, twinHistory!])
      if (h.workflowTaskFailed.length > 0)
        failures.push(`WorkflowTaskFailed: ${h.workflowTaskFailed.slice(0, 5).join('; ')}`);

    // No process died by itself (only the injected kills stop one, and each was started again).
    for (const svc of stack.services)
      if (!svc.running) failures.push(`${svc.spec.name} exited by itself:\n${svc.recent(15)}`);
    for (const f of faults)
      if (f.detail.includes('注入前已退出')) failures.push(`worker had exited by itself: ${f.detail}`);
    const kills = faults.filter((f) => f.kind === 'worker-kill').length;
    if (kills < o.faults.workerKills)
      failures.push(`only ${kills} of ${o.faults.workerKills} worker kills before the end`);
    measureRecovery(faults, {
      accepted: apis[0]!.accepted,
      mail: [...ledgers[0]!.arrivals().values()].flatMap((xs) => xs.map((a) => a.at)),
      sms: stack.fault.sms.arrivals(),
    });
    return {
      options: { units: o.units, seed: o.seed, faults: o.faults, finishTimeoutMs: o.finishTimeoutMs },
      faults,
      unitsCompared: states[0]!.length,
      unitsDiffering,
      remedialUnits: states[0]!.filter((s) => s.remedialRound > 0).length,
      returnedTasks: states[0]!.reduce((n, s) => n + s.tasks.filter((t) => !t.endsWith(':0')).length, 0),
      mail: { fault: faultMail, twin: twinMail },
      onlyTwin,
      onlyFault,
      uncertainNotListed,
      stuck,
      histories: { fault: faultHistory!, twin: twinHistory! },
      operations: apis[0]!.counts.operations,
      failedOver: apis[0]!.counts.failedOver,
      minutes: {
        total: Math.round((Date.now() - began) / 6_000) / 10,
        campaign: Math.round(campaignMinutes * 10) / 10,
      },
      failures,
    };
  } finally {
    for (const s of stops) await s().catch(() => undefined);
    await stack.close();
  }
}
