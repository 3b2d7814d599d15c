/**
 * The people of the production test, through the API only: each unit's liaison submits every open
 * task and its 指导组 leader approves what waits for review. Requests alternate between the API
 * replicas; one that does not answer (killed) is skipped for the other, as a load balancer would.
 * Every decision is made from the unit's status as the API reports it, so a request lost with a
 * killed replica is simply made again.
 */
import type { TaskView, UnitCampaignStatus } from '../../../workflows/unit-campaign/messages.js';

export interface DriverOptions {
  apiUrls: string[];
  campaignId: string;
  unitIds: string[];
  /** personId → token (from the launch answer). */
  tokens: Map<string, string>;
  groupOf: Map<string, string>;
}

export interface ApiCounts {
  perApi: number[];
  /** Requests that found their replica dead and went to the other. */
  failedOver: number;
  operations: number;
}

export function createApiClient(apiUrls: string[]) {
  let turn = 0;
  const counts: ApiCounts = { perApi: apiUrls.map(() => 0), failedOver: 0, operations: 0 };
  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const first = turn++ % apiUrls.length;
    let lastError: unknown;
    for (let k = 0; k < apiUrls.length; k++) {
      const i = (first + k) % apiUrls.length;
      try {
        const r = await fetch(`${apiUrls[i]}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(30_000),
        });
        counts.perApi[i]! += 1;
        return { status: r.status, body: (await r.json()) as T };
      } catch (e) {
        lastError = e;
        counts.failedOver += 1;
      }
    }
    throw lastError;
  }
  return { call, counts };
}

const actionable = (t: TaskView) =>
  t.status === 'open' || t.status === 'returned' || (t.status === 'submitted' && t.needsReview);

export function startDriver(o: DriverOptions, api: ReturnType<typeof createApiClient>) {
  let stopped = false;
  const done = new Set<string>();
  const unitRound = async (unitId: string) => {
    const liaison = o.tokens.get(`${unitId}-liaison`)!;
    const reviewer = o.tokens.get(`${o.groupOf.get(unitId)}-m1`)!;
    const s = await api.call<UnitCampaignStatus>(
      'GET',
      `/api/campaigns/${o.campaignId}/units/${unitId}`,
      liaison,
    );
    if (s.status !== 200) return;
    if (s.body.phase === 'completed') {
      done.add(unitId);
      return;
    }
    for (const t of s.body.tasks.filter(actionable)) {
      const base = `/api/campaigns/${o.campaignId}/units/${unitId}`;
      api.counts.operations += 1;
      if (t.status === 'submitted')
        await api.call('POST', `${base}/review`, reviewer, { taskId: t.taskId, decision: 'approve' });
      else
        await api.call('POST', `${base}/submit`, liaison, {
          taskId: t.taskId,
          summary: `${t.title}：已完成`,
          fileRefs: [],
        });
    }
  };
  const loop = (async () => {
    while (!stopped && done.size < o.unitIds.length) {
      const pending = o.unitIds.filter((u) => !done.has(u));
      // A few units at a time: people act concurrently, but not all 50 in the same millisecond.
      for (let i = 0; i < pending.length && !stopped; i += 10) {
        await Promise.all(pending.slice(i, i + 10).map((u) => unitRound(u).catch(() => undefined)));
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return {
    done,
    finished: loop,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
