/**
 * Progress history: the API samples the campaign-wide overview at most once per interval into a
 * JSON-lines file, serves it to the office and the 指导组 (not to units), keeps it across a
 * restart and trims it to the newest samples. A timer samples without anyone reading.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressHistory, sampleOf, type ProgressSample } from '../../../app/progress-history.js';
import { createApiServer, type ApiServerOptions } from '../../../client/api/server.js';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { type TokenStoreFile } from '../../../client/api/tokens.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import type { CampaignOverview } from '../../../app/visibility.js';
import { eventually, startHarness, type Harness } from '../cli/harness.js';
import { fixtureTokens, launchFixtureCampaign, untilStudyPublished } from '../cli/fixture-campaign.js';
import type { Office } from '../../../app/people.js';

let h: Harness;
let campaign: string;
let tokens: Record<string, string>;
let storeFile: TokenStoreFile;
let dir: string;
const apps: FastifyInstance[] = [];
let clock = Date.parse('2026-03-01T08:00:00Z');

beforeAll(async () => {
  h = await startHarness();
  let office: Office;
  ({ campaign, office } = await launchFixtureCampaign(h, 'progress'));
  ({ tokens, store: storeFile } = await fixtureTokens(campaign, office));
  dir = path.join(h.tmp, 'progress');
  await untilStudyPublished(h, campaign);
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await h?.close();
});

async function server(progress: ApiServerOptions['progress']): Promise<FastifyInstance> {
  const app = await createApiServer({
    temporalClient: h.client,
    statusStore: h.status,
    store: new FileTokenStore(structuredClone(storeFile)),
    uploads: localUploadStore(path.join(h.tmp, 'uploads')),
    rateLimitPerMinute: 1000,
    now: () => clock,
    progress,
  });
  apps.push(app);
  return app;
}
const get = (app: FastifyInstance, person: string, url: string) =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[person]}` } });
const samples = async (app: FastifyInstance, person = 'office') =>
  (await get(app, person, `/api/campaigns/${campaign}/progress`)).json<{
    intervalMs: number;
    samples: ProgressSample[];
  }>();

describe('progress history', () => {
  it('samples the office overview at most once per interval, for the office and the 指导组 only, and keeps it across a restart', async () => {
    const app = await server({ dir, intervalMs: 5000, timerMs: 0 });
    expect((await samples(app)).samples).toEqual([]);

    const first = await get(app, 'office', `/api/campaigns/${campaign}/overview`);
    expect(first.statusCode).toBe(200);
    clock += 4999;
    await get(app, 'office', `/api/campaigns/${campaign}/overview`);
    // A 指导组's overview covers its own units: it is not a sample of the campaign.
    await get(app, 'G1-m1', `/api/campaigns/${campaign}/overview`);
    expect((await samples(app)).samples).toHaveLength(1);
    clock += 1;
    const second = await get(app, 'office', `/api/campaigns/${campaign}/overview`);

    const r = await samples(app);
    expect(r.intervalMs).toBe(5000);
    expect(r.samples.map((s) => s.at)).toEqual([
      new Date(clock - 5000).toISOString(),
      new Date(clock).toISOString(),
    ]);
    // Each sample is the overview the office was shown at that moment (deadlines pass meanwhile).
    expect(r.samples).toEqual([
      sampleOf(first.json<CampaignOverview>(), clock - 5000),
      sampleOf(second.json<CampaignOverview>(), clock),
    ]);
    expect(r.samples.map((s) => s.byStage)).toEqual([{ study: 3 }, { study: 3 }]);

    expect((await samples(app, 'G1-m1')).samples).toEqual(r.samples);
    const unit = await get(app, 'T01-liaison', `/api/campaigns/${campaign}/progress`);
    expect(unit.statusCode).toBe(403);
    expect(unit.json<{ message: string }>().message).toBe('参学单位无权查看汇总');

    // One JSON line per sample in the campaign's file; a new server continues the same curve.
    const lines = (await readFile(path.join(dir, `${encodeURIComponent(campaign)}.jsonl`), 'utf8'))
      .trim()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l) as ProgressSample)).toEqual(r.samples);
    await apps.shift()!.close();
    const again = await server({ dir, intervalMs: 5000, timerMs: 0 });
    await get(again, 'office', `/api/campaigns/${campaign}/overview`); // within the interval of the last sample
    expect((await samples(again)).samples).toEqual(r.samples);
  });

  it('samples on a timer without anyone reading the overview', async () => {
    const app = await server({ dir: path.join(h.tmp, 'progress-timed'), intervalMs: 10, timerMs: 20 });
    const r = await eventually(async () => {
      clock += 1000;
      const x = await samples(app);
      return x.samples.length >= 2 ? x : undefined;
    });
    expect(r.samples[0]).toMatchObject({ byStage: { study: 3 }, remedial: 0 });
    expect(r.samples[0]!.overdue).toBeLessThanOrEqual(3);
  });
});

describe('progress file bound', () => {
  it('keeps only the newest samples, in order, rewriting the file once it passes the bound', async () => {
    const d = await mkdtemp(path.join(tmpdir(), 'progress-bound-'));
    let t = 0;
    const history = new ProgressHistory({ dir: d, intervalMs: 1, maxSamples: 3, now: () => t });
    const overview = (study: number) => ({
      campaignId: 'c',
      total: study,
      running: study,
      overdueUnits: 0,
      byStage: [{ value: 'study', count: study }],
      byUnitType: [],
      byGroup: [],
      byRemedialRound: [],
      method: 'group_by' as const,
      queries: 0,
      elapsedMs: 0,
    });
    const lineCounts: number[] = [];
    for (let i = 1; i <= 12; i++) {
      t += 1000;
      expect(await history.record('c/1', overview(i))).toBe(true);
      lineCounts.push((await readFile(path.join(d, 'c%2F1.jsonl'), 'utf8')).trim().split('\n').length);
    }
    expect(Math.max(...lineCounts)).toBe(4);
    expect((await history.samples('c/1')).map((s) => s.byStage.study)).toEqual([10, 11, 12]);
    // A second recording within the interval is refused.
    expect(await history.record('c/1', overview(13))).toBe(false);
    // A new instance (after a restart) reads what is there.
    expect(
      (await new ProgressHistory({ dir: d, maxSamples: 3 }).samples('c/1')).map((s) => s.byStage.study),
    ).toEqual([10, 11, 12]);
    await rm(d, { recursive: true, force: true });
  });
});
