/**
 * The plans transcribed from the prose seeds (000, 001, 003), checked against the step lists the
 * extractors in seed-text.ts read from the seed files. These seeds have no tables, so a step is
 * a numbered paragraph (000 `N、`, 001 `N.`) or a paragraph's first sentence (003).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../domain/plan/schema.js';
import { parseDateExpr } from '../../../domain/plan/expr.js';
import { effectiveWindow, windowProblems } from './compare.js';
import { loadShippedPlan } from './load.js';
import {
  compact,
  extractEconCommittee003,
  extractGovOffice000,
  extractTown001,
  readSeed,
  SEED_FILES,
} from './seed-text.js';

const CN_NUM = '一二三四五六七八九';

/** 000: eight 准备 items (一是…八是), then four numbered groups; windows only where the seed gives them. */
function compare000(plan: Plan, seed: ReturnType<typeof extractGovOffice000>): string[] {
  const out: string[] = [];
  const [prep, ...rest] = plan.stages;
  const got = (prep?.steps ?? []).map((s) => `${CN_NUM[(s.no ?? 0) - 1] ?? '?'}是${s.title}`);
  if (JSON.stringify(got) !== JSON.stringify(seed.prep.map((p) => p.label))) {
    out.push(`准备工作的步骤与原文不符：${got.join('；')}`);
  }
  if (rest.length !== seed.groups.length) out.push(`阶段数 ${rest.length} 与原文 ${seed.groups.length} 不符`);
  seed.groups.forEach((g, i) => {
    const stage = rest[i];
    const got = (stage?.steps ?? []).map((s) => `${s.no}、${s.title}`);
    const want = g.steps.map((s) => s.label);
    if (JSON.stringify(got) !== JSON.stringify(want))
      out.push(`第 ${i + 2} 个阶段的步骤 ${got.join('；')} 与原文 ${want.join('；')} 不符`);
  });
  // Seed windows: 学习调研 (first group) and 总结工作 (last group); the rest must say they are assumed.
  const dated = new Map([
    [1, seed.studyWindow],
    [plan.stages.length - 1, seed.summaryWindow],
  ]);
  plan.stages.forEach((stage, si) => {
    const w = dated.get(si);
    stage.steps.forEach((step, ti) => {
      const where = `stages[${si}].steps[${ti}]（${step.title}）`;
      if (w) out.push(...windowProblems(where, effectiveWindow(stage, step), w));
      else if (!step.notes?.includes('推定')) out.push(`${where}: 原文没有给出时间，notes 应注明时间为推定`);
    });
  });
  return out;
}

/** 001: per stage its title, window and numbered 环节; quality gates tied to the steps whose paragraph names them. */
function compare001(plan: Plan, seed: ReturnType<typeof extractTown001>, seedText: string): string[] {
  const out: string[] = [];
  if (plan.stages.length !== seed.stages.length)
    out.push(`阶段数 ${plan.stages.length} 与原文 ${seed.stages.length} 不符`);
  const checklistOf = (id: string | undefined) => (id === undefined ? undefined : plan.checklists[id]?.title);
  seed.stages.forEach((ss, i) => {
    const stage = plan.stages[i];
    if (!stage) return;
    if (stage.title !== ss.stage) out.push(`stages[${i}]: 名称「${stage.title}」与原文「${ss.stage}」不符`);
    out.push(...windowProblems(`stages[${i}]`, stage.window, ss.window));
    const numbered = stage.steps.filter((s) => s.no !== undefined);
    const got = numbered.map((s) => `${s.no}.${s.title}`);
    if (JSON.stringify(got) !== JSON.stringify(ss.steps.map((s) => s.label)))
      out.push(`stages[${i}] 的环节 ${got.join('；')} 与原文不符`);
    numbered.forEach((step) => {
      const s = ss.steps.find((x) => x.label === `${step.no}.${step.title}`);
      if (!s) return;
      out.push(...windowProblems(`「${step.title}」`, effectiveWindow(stage, step), ss.window));
      if (s.body.includes('四不上會') && checklistOf(step.precondition) !== '四不上會')
        out.push(`「${step.title}」应以“四不上會”为前提`);
      for (const gate of ['四不通過', '四明確一承諾']) {
        if (s.body.includes(gate) && checklistOf(step.review?.checklist) !== gate)
          out.push(`「${step.title}」应按“${gate}”审查`);
      }
    });
    for (const step of stage.steps.filter((s) => s.no === undefined)) {
      if (!compact(seedText).includes(compact(step.title))) out.push(`「${step.title}」不是原文`);
    }
  });
  for (const c of Object.values(plan.checklists)) {
    if (!seedText.includes(c.title)) out.push(`清单「${c.title}」不是原文`);
    for (const it of c.items) if (!seedText.includes(it.text)) out.push(`清单项「${it.text}」不是原文`);
  }
  return out;
}

const toHalfWidth = (s: string): string =>
  s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

/** How a date expression of the plan would be written in the seed's prose (`6月上旬`, `3月13日`). */
function seedWording(expr: string): string[] {
  const r = parseDateExpr(expr);
  if (!r.ok) return [];
  const v = r.value;
  if (v.kind === 'date') {
    const [, m, d] = v.date.split('-').map(Number);
    return [`${m}月${d}日`];
  }
  if (v.kind !== 'period') return [];
  const part = {
    first_dekad: '上旬',
    middle_dekad: '中旬',
    last_dekad: '下旬',
    beginning: '初',
    end: '底',
    whole: '',
  }[v.part];
  return [`${v.month}月${part}`];
}

/** 003: 准备 items, then per stage the paragraph heads with the stage window or a date their paragraph states. */
function compare003(
  plan: Plan,
  seed: ReturnType<typeof extractEconCommittee003>,
  seedText: string,
): string[] {
  const out: string[] = [];
  const [prep, ...stages] = plan.stages;
  const got = (prep?.steps ?? []).map((s) => `${s.no}:${s.title}`);
  const want = seed.prep.map((p, i) => `${i + 1}:${p.label}`);
  if (JSON.stringify(got) !== JSON.stringify(want))
    out.push(`准备工作 ${got.join('；')} 与原文 ${want.join('；')} 不符`);
  const meeting = prep?.steps.find((s) => s.kind === 'meeting');
  const meetingSeed = seed.prep.find((p) => p.label.includes('动员大会'));
  if (
    !meeting ||
    !meetingSeed ||
    !seedWording(meeting.window?.due ?? prep!.window.due).some((w) => meetingSeed.body.includes(w))
  ) {
    out.push('动员大会的日期与原文不符');
  }
  seed.stages.forEach((ss, i) => {
    const stage = stages[i];
    if (!stage) {
      out.push(`缺少阶段「${ss.stage}」`);
      return;
    }
    if (!stage.title.includes(ss.stage)) out.push(`阶段「${stage.title}」与原文「${ss.stage}」不符`);
    out.push(...windowProblems(`阶段「${stage.title}」`, stage.window, ss.window));
    const titles = stage.steps.map((s) => s.title);
    if (JSON.stringify(titles) !== JSON.stringify(ss.steps.map((s) => s.label)))
      out.push(`阶段「${stage.title}」的步骤 ${titles.join('；')} 与原文不符`);
    stage.steps.forEach((step) => {
      const s = ss.steps.find((x) => x.label === step.title);
      if (!s) return;
      const w = effectiveWindow(stage, step);
      const para = toHalfWidth(s.body);
      for (const [end, expr] of [
        ['open', w.open],
        ['due', w.due],
      ] as const) {
        if (expr === (end === 'open' ? stage.window.open : stage.window.due)) continue;
        if (!seedWording(expr ?? '').some((x) => para.includes(x)))
          out.push(
            `「${step.title}」的${end === 'open' ? '开始' : '截止'}「${expr}」既不是阶段时间，也不是原文该段写明的时间`,
          );
      }
    });
  });
  const rest = stages.slice(seed.stages.length);
  for (const stage of rest) {
    for (const step of stage.steps) {
      if (!compact(seedText).includes(compact(step.title))) out.push(`「${step.title}」不是原文`);
      if (step.kind === 'satisfaction_survey')
        out.push(...windowProblems(`「${step.title}」`, effectiveWindow(stage, step), seed.surveyWindow));
    }
  }
  if (!rest.some((st) => st.steps.some((s) => s.kind === 'satisfaction_survey')))
    out.push('缺少满意度测评步骤');
  return out;
}

describe('plans/gov_office_000.yaml against 000', () => {
  const seed = extractGovOffice000(readSeed(SEED_FILES.gov_office_000));
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadShippedPlan('gov_office_000');
  });

  it('reads the seed as eight preparation items and four numbered groups', () => {
    expect(seed.prep).toHaveLength(8);
    expect(seed.groups.map((g) => g.steps.length)).toEqual([2, 4, 3, 3]);
    expect(seed.studyWindow.text).toBe('20xx年10月中旬--12月上旬');
  });

  it('has every step in order with the seed windows, and marks the assumed ones', () => {
    expect(plan.source).toContain(SEED_FILES.gov_office_000);
    expect(compare000(plan, seed)).toEqual([]);
  });

  it('notices a dropped, a reordered and a re-dated step', () => {
    const dropped = structuredClone(plan);
    dropped.stages[2]!.steps.splice(1, 1);
    expect(compare000(dropped, seed).length).toBeGreaterThan(0);
    const swapped = structuredClone(plan);
    const s = swapped.stages[3]!.steps;
    [s[0], s[1]] = [s[1]!, s[0]!];
    expect(compare000(swapped, seed).length).toBeGreaterThan(0);
    const redated = structuredClone(plan);
    redated.stages[1]!.window = { open: '2008-10 上旬', due: redated.stages[1]!.window.due };
    expect(compare000(redated, seed).length).toBeGreaterThan(0);
  });
});

describe('plans/town_001.yaml against 001', () => {
  const text = readSeed(SEED_FILES.town_001);
  const seed = extractTown001(text);
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadShippedPlan('town_001');
  });

  it('reads three stages of two 环节 each, 45/45/55 days', () => {
    expect(seed.stages.map((s) => s.steps.length)).toEqual([2, 2, 2]);
    expect(seed.stages.map((s) => s.days)).toEqual([45, 45, 55]);
  });

  it('has every 环节 in order, the stage windows, and the quality gates where the seed names them', () => {
    expect(plan.source).toContain(SEED_FILES.town_001);
    expect(compare001(plan, seed, text)).toEqual([]);
  });

  it('notices a missing gate or a shifted stage', () => {
    const noGate = structuredClone(plan);
    for (const st of noGate.stages) for (const s of st.steps) delete s.precondition;
    expect(compare001(noGate, seed, text).some((m) => m.includes('四不上會'))).toBe(true);
    const shifted = structuredClone(plan);
    shifted.stages[2]!.window = { open: '2009-06 中旬', due: '2009-08 中旬' };
    expect(compare001(shifted, seed, text).length).toBeGreaterThan(0);
  });
});

describe('plans/gov_office_003.yaml against 003', () => {
  const text = readSeed(SEED_FILES.econ_committee_003);
  const seed = extractEconCommittee003(text);
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadShippedPlan('gov_office_003');
  });

  it('reads three preparation items and three stages of three 环节 (as the seed says)', () => {
    expect(seed.prep).toHaveLength(3);
    expect(seed.stages.map((s) => s.steps.length)).toEqual([3, 3, 3]);
    expect(text).toContain('每个阶段包括三个环节');
  });

  it('has every step in order with the seed windows and dates', () => {
    expect(plan.source).toContain(SEED_FILES.econ_committee_003);
    expect(compare003(plan, seed, text)).toEqual([]);
  });

  it('notices a step date the seed does not give, and a dropped step', () => {
    const p = structuredClone(plan);
    p.stages[2]!.steps[0]!.window = { due: '2009-05 下旬' };
    expect(compare003(p, seed, text).some((m) => m.includes('2009-05 下旬'))).toBe(true);
    const q = structuredClone(plan);
    q.stages[3]!.steps.pop();
    expect(compare003(q, seed, text).length).toBeGreaterThan(0);
  });
});
