/**
 * Memory for the calendar's time-zone arithmetic. Turning a local date into an instant (and back)
 * goes through luxon's IANA zone code, which asks Intl for the offset every time; a unit's
 * schedule asks the same few hundred questions over and over (every officeStart of a due day,
 * every reminder placement), and all units of a campaign ask the same ones. That was most of a
 * unit workflow's first-task CPU (docs/benchmarks.md, "First workflow task").
 *
 * Safe in workflow code, where one memo may serve many workflows of a worker: keys are the whole
 * input (zone included), values are strings — immutable results of pure functions that never
 * read the clock — so an answer from the memo is exactly the answer the function would compute,
 * and a history replays the same whether or not the memo was warm. Bounded: when full it starts
 * over, which costs only recomputation.
 */

const MEMO_LIMIT = 20_000;

export interface StringMemo {
  get(key: string, compute: () => string): string;
  readonly size: number;
}

export function stringMemo(limit = MEMO_LIMIT): StringMemo {
  const entries = new Map<string, string>();
  return {
    get(key, compute) {
      const hit = entries.get(key);
      if (hit !== undefined) return hit;
      // Computed before anything is stored: an input that throws is never remembered.
      const value = compute();
      if (entries.size >= limit) entries.clear();
      entries.set(key, value);
      return value;
    },
    get size() {
      return entries.size;
    },
  };
}
