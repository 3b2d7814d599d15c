import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../domain/plan/schema.js';
import { compareFlowChart } from './compare.js';
import { loadShippedPlan } from './load.js';
import {
  extractFlowChart,
  flowChartText,
  FLOWCHARTS,
  readSeed,
  SEED_FILES,
  type SeedStep,
} from './seed-text.js';

const seedText = readSeed(SEED_FILES.flowcharts_002);

describe.each(FLOWCHARTS)('plans/$plan.yaml against 002 「$heading」', ({ plan: id, heading }) => {
  let plan: Plan;
  let seed: SeedStep[];
  let table: string;
  beforeAll(async () => {
    plan = await loadShippedPlan(id);
    seed = extractFlowChart(seedText, heading);
    table = flowChartText(seedText, heading);
  });

  it('names the seed table as its source', () => {
    expect(plan.source).toContain(SEED_FILES.flowcharts_002);
    expect(plan.source).toContain(heading);
  });

  it('has every step of the seed table, in order, in its stage, with the window the table gives', () => {
    expect(seed.length).toBeGreaterThanOrEqual(10);
    expect(compareFlowChart(plan, seed, table)).toEqual([]);
  });

  const clone = (): Plan => structuredClone(plan);

  it('notices a dropped step', () => {
    const p = clone();
    const stage = p.stages[1]!;
    const dropped = stage.steps.splice(
      stage.steps.findIndex((s) => s.no !== undefined),
      1,
    )[0]!;
    const problems = compareFlowChart(p, seed, table);
    expect(
      problems.some((m) => m.includes(`${dropped.no}、${dropped.title}`.replace(/（\d+）.*$/, ''))),
    ).toBe(true);
  });

  it('notices two steps swapped', () => {
    const p = clone();
    const steps = p.stages[0]!.steps;
    const a = steps.findIndex((s) => s.no !== undefined);
    const b = steps.findIndex((s, i) => i > a && s.no !== undefined && s.no !== steps[a]!.no);
    [steps[a], steps[b]] = [steps[b]!, steps[a]!];
    expect(compareFlowChart(p, seed, table).length).toBeGreaterThan(0);
  });

  it('notices a changed window', () => {
    const p = clone();
    const last = p.stages[p.stages.length - 1]!;
    last.steps[0]!.window = { open: last.window.open, due: '2010-03 上旬' };
    expect(compareFlowChart(p, seed, table).some((m) => m.includes('2010-03 上旬'))).toBe(true);
  });

  it('notices a reworded step title', () => {
    const p = clone();
    const s = p.stages[0]!.steps[0]!;
    s.title = `${s.title}工作`;
    expect(compareFlowChart(p, seed, table).length).toBeGreaterThan(0);
  });
});

describe('002 seed layout', () => {
  it('the extractor reads each table with its stages in campaign order', () => {
    for (const { heading } of FLOWCHARTS) {
      const stages = [
        ...new Set(extractFlowChart(seedText, heading).map((s) => s.stage.replace(/阶段$/, ''))),
      ];
      expect(stages.slice(0, 3)).toEqual(['学习调研', '分析检查', '整改落实']);
    }
  });

  it('the community table marks the steps that depend on a party committee', () => {
    const community = extractFlowChart(seedText, FLOWCHARTS[3].heading);
    expect(community.filter((s) => s.label.includes('（设党委的社区）')).map((s) => s.label)).toEqual([
      '1、召开领导班子专题民主生活会（设党委的社区）',
      '3、撰写分析检查报告（设党委的社区）',
      '1、制定整改落实方案（设党委的社区）',
    ]);
    expect(community.filter((s) => s.label.includes('（不设党委的社区）')).map((s) => s.label)).toEqual([
      '2、制定整改落实措施（不设党委的社区）',
    ]);
  });

  it('a seed line removed from the table makes the shipped plan fail the comparison', async () => {
    const { heading } = FLOWCHARTS[0];
    const plan = await loadShippedPlan('town_office');
    const lines = seedText.split('\n');
    const mutated = lines.map((l) => (l === '\t5、确定活动联系点' ? '\t5、确定联系点' : l)).join('\n');
    expect(mutated).not.toBe(seedText);
    const problems = compareFlowChart(
      plan,
      extractFlowChart(mutated, heading),
      flowChartText(mutated, heading),
    );
    expect(problems.some((m) => m.includes('确定活动联系点') || m.includes('确定联系点'))).toBe(true);
  });
});
