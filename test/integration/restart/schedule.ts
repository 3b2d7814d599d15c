/**
 * "On time" for the restart test, and the seeded randomness that picks its fault moments.
 *
 * A clock-due notification of the fault run is on time when it arrived no later than its reference
 * (the same notification to the same address in the fault-free twin, which started at the same
 * instant; or, with no twin counterpart, the planned firing of the timer that made it due) plus:
 * - every stop gap that began before it arrived and ended after its reference (minus the time one
 *   task may take), each with the retry of a batch the stop interrupted (heartbeat timeout 10 s +
 *   first retry 2 s, workflows/unit-campaign/workflow.ts);
 * - one workflow task's slack (a task started on the killed worker times out after 10 s, and a
 *   cached workflow's task waits 5 s on the dead worker's sticky queue), with room for a loaded
 *   machine.
 * Not a full timer period late, which is what a decision from a stale clock would cost.
 */
import type { ClockDue } from './clock-due.js';
import type { Arrival } from './mail-ledger.js';
import type { Gap } from './worker-process.js';

const SLACK_MS = 18_000;
const INTERRUPTED_BATCH_RETRY_MS = 12_000;
const TASK_BEFORE_REFERENCE_MS = 20_000;

export interface Timing {
  measured: number;
  againstTwin: number;
  late: string[];
  maxLateSeconds: number;
  maxAllowedSeconds: number;
  /** Lateness against the reference, seconds: median and 95th percentile. */
  p50LateSeconds: number;
  p95LateSeconds: number;
}

export function onTime(o: {
  due: ClockDue[];
  arrivals: Map<string, Arrival[]>;
  fault: string;
  twin: string;
  gaps: readonly Gap[];
}): Timing {
  const faultPrefix = `campaign/${o.fault}/`;
  const byNotification = new Map<string, Arrival[]>();
  for (const list of o.arrivals.values())
    for (const a of list)
      byNotification.set(a.notificationId, [...(byNotification.get(a.notificationId) ?? []), a]);
  const t: Timing = {
    measured: 0,
    againstTwin: 0,
    late: [],
    maxLateSeconds: 0,
    maxAllowedSeconds: 0,
    p50LateSeconds: 0,
    p95LateSeconds: 0,
  };
  const lateness: number[] = [];
  const seen = new Set<string>();
  for (const d of o.due) {
    if (!d.notificationId.startsWith(faultPrefix)) continue;
    const suffix = d.notificationId.slice(faultPrefix.length);
    for (const a of byNotification.get(d.notificationId) ?? []) {
      const key = `${d.notificationId} ${a.address}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const twinAt = o.arrivals.get(`campaign/${o.twin}/${suffix} ${a.address}`)?.[0]?.at;
      const reference = twinAt ?? d.dueAt;
      const gapsMet = o.gaps.filter((g) => g.from <= a.at && g.to >= reference - TASK_BEFORE_REFERENCE_MS);
      const allowed =
        SLACK_MS + gapsMet.reduce((n, g) => n + (g.to - g.from) + INTERRUPTED_BATCH_RETRY_MS, 0);
      const late = a.at - reference;
      t.measured += 1;
      lateness.push(late);
      if (twinAt !== undefined) t.againstTwin += 1;
      t.maxLateSeconds = Math.max(t.maxLateSeconds, Math.round(late / 100) / 10);
      t.maxAllowedSeconds = Math.max(t.maxAllowedSeconds, Math.round(allowed / 100) / 10);
      if (late > allowed)
        t.late.push(
          `${suffix} → ${a.address}: ${(late / 1000).toFixed(1)} s late (${twinAt !== undefined ? 'against the twin' : 'against its timer'}), allowed ${(allowed / 1000).toFixed(1)} s`,
        );
    }
  }
  lateness.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((lateness[Math.min(lateness.length - 1, Math.floor(q * lateness.length))] ?? 0) / 100) / 10;
  t.p50LateSeconds = at(0.5);
  t.p95LateSeconds = at(0.95);
  return t;
}

/** mulberry32: a small, well-known generator, so a seed repeats a run's fault moments. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
