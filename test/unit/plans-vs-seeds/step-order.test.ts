/**
 * Step order in the shipped plans: every `after` is one the seed states, in a sentence quoted
 * here and found in the seed, and every order listed here is in the plan. A reorder the seed does
 * not state (or a quote that is not the seed's) fails. See docs/seed-transcription.md.
 */
import { describe, expect, it } from 'vitest';
import { loadShippedPlan } from './load.js';
import { SEED_FILES, compact, readSeed } from './seed-text.js';

interface Ordered {
  plan: string;
  step: string;
  after: string[];
  seed: string;
  /** The seed's words; `……` stands for text left out. */
  quote: string;
}

export const ORDERED_STEPS: readonly Ordered[] = [
  {
    plan: 'town_office',
    step: 'discussion',
    after: ['organised_study'],
    seed: SEED_FILES.flowcharts_002,
    quote: '9、组织开展讨论……在深入学习的基础上，紧密联系本单位实际和党员干部思想、工作实际组织讨论',
  },
  {
    plan: 'gov_office_000',
    step: 'analysis_report',
    after: ['solicit_opinions', 'democratic_life_meeting'],
    seed: SEED_FILES.gov_office_000,
    quote: '充分运用学习调研、征求意见和专题民主生活会成果的基础上，认真查摆问题',
  },
  {
    plan: 'gov_office_000',
    step: 'public_appraisal',
    after: ['analysis_report'],
    seed: SEED_FILES.gov_office_000,
    quote: '4、组织群众评议。主要工作：一是座谈评议。对修改后的领导班子分析检查报告，要召开',
  },
  {
    plan: 'gov_office_003',
    step: 'public_appraisal',
    after: ['analysis_report'],
    seed: SEED_FILES.econ_committee_003,
    quote: '认真组织对分析检查报告的群众评议。领导班子分析检查报告形成后，要认真组织评议',
  },
];

const SHIPPED = [
  'community',
  'demo',
  'gov_office_000',
  'gov_office_003',
  'non_public',
  'school',
  'street_office',
  'town_001',
  'town_office',
  'village',
];

/** Each part of the quote occurs in the seed, in order. */
function quoted(seedText: string, quote: string): boolean {
  const text = compact(seedText);
  let at = 0;
  for (const part of quote.split('……').map(compact)) {
    const i = text.indexOf(part, at);
    if (i < 0) return false;
    at = i + part.length;
  }
  return true;
}

describe('step order in the shipped plans follows the seeds', () => {
  it('every after in a shipped plan is listed with its seed sentence, and every listed one is in the plan', async () => {
    const found: string[] = [];
    for (const id of SHIPPED) {
      const plan = await loadShippedPlan(id);
      for (const stage of plan.stages)
        for (const step of stage.steps)
          if (step.after) found.push(`${id}:${step.id}<-${step.after.join(',')}`);
    }
    expect(found.sort()).toEqual(
      ORDERED_STEPS.map((o) => `${o.plan}:${o.step}<-${o.after.join(',')}`).sort(),
    );
  });

  for (const o of ORDERED_STEPS) {
    it(`${o.plan}: ${o.step} after ${o.after.join('、')} is the seed's own order`, () => {
      expect(quoted(readSeed(o.seed), o.quote)).toBe(true);
    });
  }

  it('a quote that is not the seed’s is caught', () => {
    expect(
      quoted(readSeed(SEED_FILES.econ_committee_003), '领导班子分析检查报告形成前，要认真组织评议'),
    ).toBe(false);
  });
});
