/**
 * The faults of the fault campaign, on a seeded timeline (CHAOS_SEED repeats one): SIGKILLs of a
 * random worker, Temporal server restarts, a PostgreSQL restart, a stretch of SMTP refusals (421)
 * and a stretch of SMS gateway 503s. Each is recorded with when it began, how long the service was
 * down, and the time to recover: from the fault's end to the next Update the API accepted (which
 * needs a completed workflow task and a read-model write), or for SMTP and SMS to the next message
 * the receiver accepted.
 */
import type { ChaosStack } from './stack.js';

export type FaultKind = 'worker-kill' | 'temporal-restart' | 'postgres-restart' | 'smtp-refusal' | 'sms-5xx';

export interface PlannedFault {
  kind: FaultKind;
  /** Seconds after the campaign's start. */
  at: number;
  /** How long the service stays down (seconds). */
  downSeconds: number;
  /** Which worker (worker-kill only). */
  worker?: number;
}

export interface InjectedFault extends PlannedFault {
  startedAt: number;
  /** When the service was back (process ready, server accepting, stretch over). */
  endedAt: number;
  /** Seconds from endedAt to the next accepted Update / delivered message; undefined if none came. */
  recoverySeconds?: number;
  detail: string;
}

export interface FaultCounts {
  workerKills: number;
  temporalRestarts: number;
  postgresRestarts: number;
  /** Length of the SMTP refusal stretch and of the SMS outage, seconds (0: none). */
  smtpRefusalSeconds: number;
  smsOutageSeconds: number;
}

/**
 * Spread over `campaignSeconds`: the kills every few seconds, the server restarts and the stretches
 * at seeded moments in the middle of the campaign (not in the first 20 s, when units are launched).
 */
export function planFaults(c: FaultCounts, campaignSeconds: number, random: () => number): PlannedFault[] {
  const span = campaignSeconds - 40;
  const at = (slot: number, of: number) => Math.round(20 + (span * (slot + random() * 0.6)) / of);
  const out: PlannedFault[] = [];
  for (let i = 0; i < c.workerKills; i++)
    out.push({
      kind: 'worker-kill',
      at: at(i, c.workerKills),
      downSeconds: Math.round((0.5 + random() * 3) * 10) / 10,
      worker: Math.floor(random() * 2),
    });
  for (let i = 0; i < c.temporalRestarts; i++)
    out.push({
      kind: 'temporal-restart',
      at: at(i, c.temporalRestarts),
      downSeconds: 2 + Math.round(random() * 3),
    });
  for (let i = 0; i < c.postgresRestarts; i++)
    out.push({
      kind: 'postgres-restart',
      at: at(i + 0.5, c.postgresRestarts + 0.5),
      downSeconds: 2 + Math.round(random() * 3),
    });
  if (c.smtpRefusalSeconds > 0)
    out.push({
      kind: 'smtp-refusal',
      at: Math.round(20 + random() * span * 0.3),
      downSeconds: c.smtpRefusalSeconds,
    });
  // Over the opening of the 整改落实 stage (+160 s in plans/demo.yaml): every unit's liaison is texted then.
  if (c.smsOutageSeconds > 0)
    out.push({ kind: 'sms-5xx', at: Math.round(150 - random() * 10), downSeconds: c.smsOutageSeconds });
  return out.sort((a, b) => a.at - b.at);
}

/**
 * Injects the planned faults in order (a fault that comes while the one before is still being
 * injected waits for it), until `stopped()` says the campaign is over. `accepted` holds the times
 * of accepted Updates (the people's API client pushes to it).
 */
export async function injectFaults(o: {
  stack: ChaosStack;
  plan: PlannedFault[];
  t0: number;
  accepted: readonly number[];
  stopped: () => boolean;
  log: (line: string) => void;
}): Promise<InjectedFault[]> {
  const { topology, fault } = o.stack;
  const done: InjectedFault[] = [];
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  for (const f of o.plan) {
    const wait = o.t0 + f.at * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    if (o.stopped()) break;
    const startedAt = Date.now();
    let detail = '';
    switch (f.kind) {
      case 'worker-kill': {
        const w = topology.workers[f.worker ?? 0]!;
        const wasRunning = w.running;
        w.kill('SIGKILL');
        const exit = await w.exited();
        await sleep(f.downSeconds * 1000);
        w.start();
        await w.waitReady();
        detail = `${w.spec.name}（${wasRunning ? exit.signal : `注入前已退出：${exit.code ?? exit.signal}`}）`;
        break;
      }
      case 'temporal-restart':
        await topology.restartTemporal(f.downSeconds * 1000);
        detail = 'temporal-server（SIGTERM，同一端口、同一数据库重启）';
        break;
      case 'postgres-restart':
        await topology.restartPostgres(f.downSeconds * 1000);
        detail = 'postgres（关闭后在同一数据目录重启）';
        break;
      case 'smtp-refusal':
        fault.mailbox.refuse(f.downSeconds * 1000);
        await sleep(f.downSeconds * 1000);
        detail = `SMTP 拒绝连接（421）${fault.mailbox.refusals()} 次`;
        break;
      case 'sms-5xx':
        fault.sms.outage(f.downSeconds * 1000);
        await sleep(f.downSeconds * 1000);
        detail = `短信网关答 503 共 ${fault.sms.refusals()} 次`;
        break;
    }
    const endedAt = Date.now();
    o.log(
      `${((startedAt - o.t0) / 1000).toFixed(0)} s: ${f.kind} ${detail}, back after ${((endedAt - startedAt) / 1000).toFixed(1)} s`,
    );
    done.push({ ...f, startedAt, endedAt, detail });
  }
  return done;
}

/** Fills in each fault's time to recover, once the campaign is over and every arrival is known. */
export function measureRecovery(
  faults: InjectedFault[],
  clocks: { accepted: readonly number[]; mail: readonly number[]; sms: readonly number[] },
): void {
  const firstAfter = (xs: readonly number[], t: number) => {
    let best: number | undefined;
    for (const x of xs) if (x >= t && (best === undefined || x < best)) best = x;
    return best;
  };
  for (const f of faults) {
    const clock =
      f.kind === 'smtp-refusal' ? clocks.mail : f.kind === 'sms-5xx' ? clocks.sms : clocks.accepted;
    const next = firstAfter(clock, f.endedAt);
    if (next !== undefined) f.recoverySeconds = Math.round((next - f.endedAt) / 100) / 10;
  }
}
