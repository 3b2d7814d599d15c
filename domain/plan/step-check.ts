/**
 * Plan checks for step order (`after`, `duration`) that need no calendar: every id in `after` is a
 * step of the same stage, `after` forms no cycle, and each step's time is said one way only.
 * Runs on the raw parsed data, like cross-check.ts; the dates themselves are checked once the plan
 * parses (domain/schedule/step-windows.ts).
 */
import { afterCycles } from '../schedule/step-order.js';
import type { RawIssue } from './cross-check.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

interface StepAt {
  readonly si: number;
  readonly ti: number;
  readonly id: string;
  readonly after: string[];
}

export function checkStepOrder(data: Obj, out: RawIssue[]): void {
  const stages = arr(data.stages);
  const where = new Map<string, { si: number; title: string }>();
  const perStage: StepAt[][] = stages.map((stage, si) => {
    if (!isObj(stage)) return [];
    return arr(stage.steps).flatMap((step, ti): StepAt[] => {
      const id = isObj(step) ? str(step.id) : undefined;
      if (!isObj(step) || id === undefined) return [];
      if (!where.has(id)) where.set(id, { si, title: str(step.title) ?? id });
      return [{ si, ti, id, after: arr(step.after).filter((a): a is string => typeof a === 'string') }];
    });
  });

  stages.forEach((stage, si) => {
    if (!isObj(stage)) return;
    arr(stage.steps).forEach((step, ti) => {
      if (!isObj(step)) return;
      const here = ['stages', si, 'steps', ti];
      const id = str(step.id);
      arr(step.after).forEach((a, k) => {
        if (typeof a !== 'string') return;
        const at = where.get(a);
        if (a === id)
          out.push({
            path: [...here, 'after', k],
            message: `步骤不能排在自己之后（after 中有本步骤「${a}」）`,
          });
        else if (at === undefined)
          out.push({
            path: [...here, 'after', k],
            message: `找不到步骤「${a}」（after 应列出本阶段的步骤标识）`,
          });
        else if (at.si !== si) {
          const other = stages[at.si];
          const title = isObj(other) ? (str(other.title) ?? '') : '';
          out.push({
            path: [...here, 'after', k],
            message: `步骤「${a}」属于另一阶段 stages[${at.si}]「${title}」，after 只能列出同一阶段的步骤（阶段之间的先后由阶段的窗口和 opens 决定）`,
          });
        }
      });
      const win = step.window;
      if (step.after !== undefined && isObj(win) && win.open !== undefined) {
        out.push({
          path: [...here, 'window', 'open'],
          message: '设了 after 的步骤在前序步骤完成后开始，不能再设 window.open',
        });
      }
      if (step.duration !== undefined && win !== undefined) {
        out.push({
          path: [...here, 'duration'],
          message:
            '已设 window，不能再设 duration（二者选一：window 写明起止日期，duration 写需要多长时间，如 10wd）',
        });
      }
    });
  });

  perStage.forEach((steps) => {
    for (const cycle of afterCycles(steps)) {
      if (cycle.length <= 2) continue; // a step after itself, reported above
      const first = steps.find((s) => s.id === cycle[0]);
      if (!first) continue;
      out.push({
        path: ['stages', first.si, 'steps', first.ti, 'after'],
        message: `after 形成循环：${cycle.map((c) => `「${where.get(c)?.title ?? c}」`).join(' → ')}，这些步骤无法排出先后`,
      });
    }
  });
}
