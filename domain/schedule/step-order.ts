/**
 * Steps in order inside a stage: `after` names predecessors of the same stage, `duration` how
 * long a step lasts. At launch every date is a planned one: a step with `after` is planned to
 * open when the last of its predecessors is due, and with a `duration` to be due that long after
 * (docs/plan-format.md, "Steps in order"). Pure; used by buildSchedule and by `plan check`.
 */
import type { Step } from '../plan/schema.js';

/**
 * The steps in an order where each comes after all its predecessors, otherwise in plan order.
 * Unknown ids are ignored (the plan check reports them).
 * @throws Error (Chinese) when `after` forms a cycle; the plan check refuses such plans first.
 */
export function inDependencyOrder<S extends Pick<Step, 'id' | 'after'>>(steps: readonly S[]): S[] {
  const ids = new Set(steps.map((s) => s.id));
  const placed = new Set<string>();
  const out: S[] = [];
  while (out.length < steps.length) {
    const next = steps.find(
      (s) => !placed.has(s.id) && (s.after ?? []).every((p) => placed.has(p) || !ids.has(p)),
    );
    if (!next) {
      const left = steps.filter((s) => !placed.has(s.id)).map((s) => s.id);
      throw new Error(`步骤的 after 形成循环：${left.join('、')}`);
    }
    placed.add(next.id);
    out.push(next);
  }
  return out;
}

/**
 * For each step that applies: the applying steps it waits for. A predecessor that does not apply
 * to the unit (e.g. a 设党委 step in a unit without one) is replaced by its own predecessors.
 */
export function effectivePredecessors<S extends Pick<Step, 'id' | 'after'>>(
  steps: readonly S[],
  applies: (s: S) => boolean,
): Map<string, string[]> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const resolve = (id: string, seen: Set<string>): string[] => {
    const s = byId.get(id);
    if (!s || seen.has(id)) return [];
    seen.add(id);
    if (applies(s)) return [id];
    return (s.after ?? []).flatMap((p) => resolve(p, seen));
  };
  const out = new Map<string, string[]>();
  for (const s of steps) {
    if (!applies(s) || !s.after) continue;
    const seen = new Set<string>([s.id]);
    const preds = [...new Set(s.after.flatMap((p) => resolve(p, seen)))];
    if (preds.length > 0) out.set(s.id, preds);
  }
  return out;
}

/** Cycles of `after` among one stage's steps, each as the ids around it (first id repeated at the end). */
export function afterCycles(steps: readonly Pick<Step, 'id' | 'after'>[]): string[][] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[][] = [];
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(id)), id]);
      return;
    }
    state.set(id, 'open');
    for (const p of byId.get(id)?.after ?? []) if (byId.has(p)) visit(p, [...trail, id]);
    state.set(id, 'done');
  };
  for (const s of steps) visit(s.id, []);
  return cycles;
}
