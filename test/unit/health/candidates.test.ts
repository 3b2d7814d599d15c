import { describe, expect, it } from 'vitest';
import type { UnitHealthRecord } from '../../../activities/status/health.js';
import { chooseCandidates } from '../../../app/health/scan.js';
import { healthSettingsFromEnv, onDemandMaxAgeMs } from '../../../app/health/settings.js';

const NOW = Date.parse('2009-11-10T02:00:00Z');
const S = { lateRecheckMs: 5 * 60_000, maxChecks: 4 };
const finding = (unitId: string, state: UnitHealthRecord['state'], minutesAgo: number): UnitHealthRecord => {
  const at = new Date(NOW - minutesAgo * 60_000).toISOString();
  return { campaignId: 'c1', unitId, state, since: at, checkedAt: at };
};

describe('which units a health scan looks at', () => {
  it('stuck and suspect units first, then late units never looked at, then late ones by oldest check; none of the rest of the campaign', () => {
    const late = ['a', 'b', 'c', 'd'].map((unitId) => ({ unitId }));
    const known = [
      finding('d', 'late', 20),
      finding('c', 'late', 9),
      finding('s', 'suspect', 1),
      finding('x', 'stuck', 1),
    ];
    const r = chooseCandidates(late, known, NOW, { ...S, maxChecks: 10 });
    expect(r.toCheck).toEqual(['s', 'x', 'a', 'b', 'd', 'c']);
    expect(r).toMatchObject({ caughtUp: [], deferred: 0, candidates: 6 });
  });

  it('a late unit checked recently waits; one that published a new wake-up since is cleared without a look', () => {
    const r = chooseCandidates(
      [{ unitId: 'a' }],
      [finding('a', 'late', 1), finding('gone-late', 'late', 30)],
      NOW,
      S,
    );
    expect(r.toCheck).toEqual([]);
    expect(r.caughtUp).toEqual(['gone-late']);
    expect(r.deferred).toBe(1);
  });

  it('at most maxChecks per scan; the rest are left for the next one', () => {
    const late = Array.from({ length: 10 }, (_, i) => ({ unitId: `u${i}` }));
    const r = chooseCandidates(late, [finding('stuck1', 'stuck', 1)], NOW, S);
    expect(r.toCheck).toEqual(['stuck1', 'u0', 'u1', 'u2']);
    expect(r.deferred).toBe(7);
    expect(r.candidates).toBe(11);
  });

  it('nothing late and nothing known: nothing to look at, whatever the campaign’s size', () => {
    expect(chooseCandidates([], [], NOW, S)).toEqual({
      toCheck: [],
      caughtUp: [],
      deferred: 0,
      candidates: 0,
    });
  });
});

describe('health settings', () => {
  it('defaults: stuck after more than 3 failures, the worker scans every 30 s, 60 s grace; readers scan only when the worker has not', () => {
    const s = healthSettingsFromEnv({});
    expect(s).toMatchObject({ stuckAfterFailures: 3, scanEveryMs: 30_000, graceMs: 60_000 });
    expect(onDemandMaxAgeMs(s)).toBe(45_000);
    expect(onDemandMaxAgeMs(healthSettingsFromEnv({ CAMPAIGN_HEALTH_SCAN_SECONDS: '0' }))).toBe(45_000);
    expect(
      healthSettingsFromEnv({
        CAMPAIGN_STUCK_AFTER_FAILURES: '5',
        CAMPAIGN_HEALTH_SCAN_SECONDS: '10',
        CAMPAIGN_HEALTH_GRACE_SECONDS: '0',
      }),
    ).toMatchObject({ stuckAfterFailures: 5, scanEveryMs: 10_000, graceMs: 0 });
  });

  it('names each bad variable in Chinese', () => {
    expect(() =>
      healthSettingsFromEnv({ CAMPAIGN_STUCK_AFTER_FAILURES: '0', CAMPAIGN_HEALTH_SCAN_SECONDS: 'often' }),
    ).toThrow(
      /CAMPAIGN_STUCK_AFTER_FAILURES：应为 1 到 1000 的整数（收到「0」）[\s\S]*CAMPAIGN_HEALTH_SCAN_SECONDS：应为 0 到 3600 的整数（收到「often」）/,
    );
  });
});
