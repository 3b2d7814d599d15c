/** One problem found in a plan file, located by line and field path. */
export interface PlanIssue {
  readonly file: string;
  /** 1-based; 0 when the problem has no place in the file (e.g. an empty file). */
  readonly line: number;
  readonly column: number;
  /** Field path as people read it: `stages[1].steps[3].window.due` (indices from 0). */
  readonly path: string;
  readonly message: string;
}

/** `stages[1].steps[3]`; `root` names an empty path. */
export function formatPath(path: readonly PropertyKey[], root = '(根)'): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? root : out;
}

export function formatIssue(i: PlanIssue): string {
  return `${i.file}:${i.line}: ${i.path}: ${i.message}`;
}
