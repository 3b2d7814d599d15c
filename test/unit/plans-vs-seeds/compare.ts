/**
 * Compares a loaded plan with the steps extracted from its seed and lists every discrepancy in
 * words a reviewer can act on. Kept apart from the tests so the tests can also prove that a
 * dropped, reordered or re-dated step is caught (by feeding mutated plans through the same code).
 */
import { parseDateExpr, type MonthPart } from '../../../domain/plan/expr.js';
import type { Plan, Stage, Step } from '../../../domain/plan/schema.js';
import { compact, type SeedPoint, type SeedStep, type SeedWindow, type TenDay } from './seed-text.js';

const PART: Record<TenDay, MonthPart> = {
  初: 'beginning',
  上旬: 'first_dekad',
  中旬: 'middle_dekad',
  下旬: 'last_dekad',
  底: 'end',
};

/** The window a step runs under: its own ends, else its stage's. */
export function effectiveWindow(stage: Stage, step: Step): { open: string | undefined; due: string } {
  return { open: step.window?.open ?? stage.window.open, due: step.window?.due ?? stage.window.due };
}

/** Does a plan date expression say the same as one end of the seed's window? */
export function samePoint(expr: string | undefined, p: SeedPoint): boolean {
  if (expr === undefined) return false;
  const r = parseDateExpr(expr);
  if (!r.ok || r.value.kind !== 'period') return false;
  const v = r.value;
  return (
    (p.year === undefined || v.year === p.year) &&
    v.month === p.month &&
    v.part === (p.part ? PART[p.part] : 'whole')
  );
}

export function windowProblems(
  where: string,
  win: { open?: string | undefined; due: string },
  seed: SeedWindow,
): string[] {
  const out: string[] = [];
  if (!samePoint(win.open, seed.from))
    out.push(`${where}: 开始「${win.open ?? '（未写）'}」与原文「${seed.text}」不符`);
  if (!samePoint(win.due, seed.to)) out.push(`${where}: 截止「${win.due}」与原文「${seed.text}」不符`);
  return out;
}

interface PlanStepAt {
  stage: Stage;
  step: Step;
  where: string;
}

export function planSteps(plan: Plan): PlanStepAt[] {
  return plan.stages.flatMap((stage, si) =>
    stage.steps.map((step, ti) => ({
      stage,
      step,
      where: `stages[${si}].steps[${ti}]（${step.no ?? ''}${step.no ? '、' : ''}${step.title}）`,
    })),
  );
}

const PART_SUFFIX = /^[（(](\d{1,2})[）)](.+)$/;

/**
 * One 002 flow chart against a plan. Every seed step must appear, in order, in its stage, with
 * the seed's window; a step the table splits over rows must appear once per row; a plan step
 * with a number must be a seed step (optionally narrowed to one of its （n） items, whose text
 * must be the seed's); a plan step without a number must quote the table verbatim. Review and
 * 备案 follow the seed's words (审查把关/审核, 备案), and （设党委的社区）/（不设党委的社区）
 * follow the has_party_committee flag.
 */
export function compareFlowChart(plan: Plan, seed: readonly SeedStep[], tableText: string): string[] {
  const problems: string[] = [];
  const seen = new Map<number, number[]>(); // seed index → item numbers matched ([] = whole step)
  let cursor = 0; // first seed index a later plan step may still map to

  for (const { stage, step, where } of planSteps(plan)) {
    const title = compact(step.title);
    if (step.no === undefined) {
      if (!tableText.includes(title)) problems.push(`${where}: 不带编号的步骤名称不是原表原文`);
      continue;
    }
    const label = `${step.no}、${title}`;
    const fits = (s: SeedStep): { ok: boolean; part?: number; rest?: string } => {
      if (label === s.label) return { ok: true };
      if (!label.startsWith(s.label)) return { ok: false };
      const m = PART_SUFFIX.exec(label.slice(s.label.length));
      return m ? { ok: true, part: Number(m[1]), rest: m[2] } : { ok: false };
    };
    let j = -1;
    for (let k = cursor; k < seed.length; k++) {
      if (fits(seed[k]!).ok) {
        j = k;
        break;
      }
    }
    if (j < 0) {
      const earlier = seed.findIndex((s) => fits(s).ok);
      problems.push(earlier >= 0 ? `${where}: 顺序与原表不符（原表中在更前面）` : `${where}: 原表没有这一步`);
      continue;
    }
    for (let k = cursor; k < j; k++) {
      if (!seen.has(k))
        problems.push(`原表第 ${seed[k]!.line} 行「${seed[k]!.label}」在计划中缺失或被移到后面`);
    }
    cursor = j;
    const s = seed[j]!;
    const { part, rest } = fits(s);
    const parts = seen.get(j) ?? [];
    if (part === undefined) {
      if (seen.has(j)) problems.push(`${where}: 与前一步重复`);
    } else {
      const itemText = s.items.get(part);
      if (itemText === undefined) problems.push(`${where}: 原表「${s.label}」没有第（${part}）项`);
      else if (!itemText.includes(compact(rest ?? '')))
        problems.push(`${where}: 「${rest}」不是原表第（${part}）项的原文`);
      if (parts.length > 0 && part <= parts[parts.length - 1]!)
        problems.push(`${where}: 第（${part}）项顺序不对或重复`);
    }
    seen.set(j, part === undefined ? parts : [...parts, part]);

    if (compact(stage.title) !== compact(s.stage))
      problems.push(`${where}: 所在阶段「${stage.title}」与原表「${s.stage}」不符`);
    if (s.window) problems.push(...windowProblems(where, effectiveWindow(stage, step), s.window));

    // What the seed says about this row (the whole step, or just item n when the table gives the item its own row).
    const said =
      part !== undefined && s.parts.length > 0 ? (s.items.get(part) ?? '') : part === undefined ? s.body : '';
    if (part === undefined || s.parts.length > 0) {
      const wantsReview = /审查把关|审核/.test(said);
      if (wantsReview !== (step.review?.by === 'supervisor_group')) {
        problems.push(
          `${where}: 原表${wantsReview ? '要求' : '未要求'}指导组审查把关，计划${step.review ? '设了' : '没设'} review`,
        );
      }
      const files = step.recipients.some((r) => r.role === 'office' && r.purpose === 'file');
      if (/备案/.test(said) && !files) problems.push(`${where}: 原表要求备案，计划没有报活动办备案`);
    }
    const flags = step.appliesTo?.flags ?? [];
    const notFlags = step.appliesTo?.notFlags ?? [];
    if (s.label.includes('（设党委') && !flags.includes('has_party_committee'))
      problems.push(`${where}: 原表限设党委的社区，计划未限定`);
    if (s.label.includes('（不设党委') && !notFlags.includes('has_party_committee'))
      problems.push(`${where}: 原表限不设党委的社区，计划未限定`);
  }

  seed.forEach((s, k) => {
    if (!seen.has(k)) {
      if (k >= cursor) problems.push(`原表第 ${s.line} 行「${s.label}」在计划中缺失`);
      return;
    }
    const got = seen.get(k)!;
    for (const p of s.parts) {
      const n = Number(/\d+/.exec(p.label)?.[0]);
      if (!got.includes(n)) problems.push(`原表第 ${p.line} 行「${s.label}${p.label}」在计划中缺失`);
    }
  });
  return [...new Set(problems)];
}
