/**
 * The fault campaign's people and plan: the demo's simulated people (client/demo/driver.ts) scaled
 * to any number of units with a seeded choice of who is returned, who is reviewed slowly and whose
 * survey comes back mostly 不满意 (补课), acting through the HTTP API with each person's own token.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { demoHabits, type DemoUnit, type DriverOps } from '../../client/demo/driver.js';
import { repoRoot } from '../../toolchain/paths.js';
import { UNIT_OPERATIONS, type UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';
import { seededRandom } from '../integration/restart/schedule.js';
import { createApiClient } from '../production/support/driver.js';

/** plans/demo.yaml (镇机关, compressed to about five minutes) with SMS beside email. */
export async function chaosPlan(): Promise<string> {
  const text = await readFile(path.join(repoRoot, 'plans', 'demo.yaml'), 'utf8');
  const withSms = text.replace(/^channels: \[email\]$/m, 'channels: [email, sms]');
  if (withSms === text) throw new Error('plans/demo.yaml 中找不到 channels 一行');
  return withSms;
}

/** The demo's habits over `unitIds`, with 10 % returned once, 10 % unhappy surveys, 5 % slow reviews. */
export function chaosPeople(unitIds: string[], groupOf: Map<string, string>, seed: number): DemoUnit[] {
  const random = seededRandom(seed);
  return demoHabits(unitIds).map((d) => {
    const r = random();
    return {
      ...d,
      groupId: groupOf.get(d.unitId)!,
      ...(r < 0.1 ? { returnedOnce: true } : {}),
      ...(r >= 0.1 && r < 0.2 ? { unhappySurvey: true } : {}),
      ...(r >= 0.2 && r < 0.25 ? { slowReview: true } : {}),
    };
  });
}

export interface ApiPeople {
  ops: DriverOps;
  counts: ReturnType<typeof createApiClient>['counts'];
  /** When each Update the API accepted answered (ms since epoch): the recovery clock. */
  accepted: number[];
}

/**
 * The people's operations through the API replicas in turn (a dead one is skipped for the other).
 * The actor of an operation is the token's person: the field naming them is left out of the body.
 */
export function apiPeople(apiUrls: string[], campaignId: string, tokens: Map<string, string>): ApiPeople {
  const api = createApiClient(apiUrls);
  const accepted: number[] = [];
  const token = (personId: string) => {
    const t = tokens.get(personId);
    if (!t) throw new Error(`没有 ${personId} 的令牌`);
    return t;
  };
  const unitPath = (unitId: string) => `/api/campaigns/${campaignId}/units/${unitId}`;
  const ops: DriverOps = {
    async status(unitId) {
      const r = await api.call<UnitCampaignStatus & { message?: string }>(
        'GET',
        unitPath(unitId),
        token(`${unitId}-liaison`),
      );
      if (r.status !== 200) throw new Error(r.body.message ?? `HTTP ${r.status}`);
      return r.body;
    },
    async run(unitId, op, request) {
      const { actor, path: opPath } = UNIT_OPERATIONS[op];
      const { [actor]: personId, ...body } = request as unknown as Record<string, unknown>;
      api.counts.operations += 1;
      const r = await api.call<{ message?: string }>(
        'POST',
        `${unitPath(unitId)}/${opPath}`,
        token(String(personId)),
        body,
      );
      if (r.status !== 200) throw new Error(r.body.message ?? `HTTP ${r.status}`);
      accepted.push(Date.now());
      return r.body;
    },
  };
  return { ops, counts: api.counts, accepted };
}
