/**
 * Plan text → validated Plan, or every problem at once with its line. No file access here (see
 * load-file.ts); workflows receive an already validated Plan and never import this.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { stepWindowIssues } from '../schedule/step-windows.js';
import { crossCheck } from './cross-check.js';
import { formatPath, type PlanIssue } from './issue.js';
import { PlanSchema, type Plan } from './schema.js';
import { firstYamlSyntaxProblem } from './yaml-errors.js';

export type PlanLoadResult =
  { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly issues: readonly PlanIssue[] };

type Path = (string | number)[];

const HAS_CJK = /[\u4e00-\u9fff]/;

const TYPE_CN: Record<string, string> = {
  string: '文字',
  number: '数字',
  boolean: 'true 或 false',
  array: '列表',
  object: '映射（键: 值）',
  record: '映射（键: 值）',
};

function valueAt(data: unknown, path: Path): { found: boolean; value: unknown } {
  let cur: unknown = data;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null || !(p in cur)) return { found: false, value: undefined };
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return { found: true, value: cur };
}

function translate(issue: z.core.$ZodIssue, data: unknown): { path: Path; message: string }[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({ path: [...path, k], message: `未知字段「${k}」` }));
  }
  if (issue.code === 'invalid_type' && !valueAt(data, path).found) {
    return [{ path, message: '缺少必填字段' }];
  }
  if (HAS_CJK.test(issue.message)) return [{ path, message: issue.message }];
  switch (issue.code) {
    case 'invalid_type':
      return [{ path, message: `应为${TYPE_CN[issue.expected] ?? issue.expected}` }];
    case 'invalid_key':
      return [{ path, message: '键名无效' }];
    case 'too_small':
      return [{ path, message: `不能少于 ${String(issue.minimum)}` }];
    case 'too_big':
      return [{ path, message: `不能多于 ${String(issue.maximum)}` }];
    default:
      return [{ path, message: `取值无效（${issue.message}）` }];
  }
}

/** The deepest node on the path (a key itself when the last segment names a key). */
function locate(doc: Document, path: Path, lc: LineCounter): { line: number; col: number } {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg),
      );
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      const valStart = rangeStart(pair.value);
      // Point at the key when the value is a block collection spanning later lines.
      offset =
        isScalar(pair.value) || pair.value === null ? (valStart ?? keyStart ?? offset) : (keyStart ?? offset);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else break;
  }
  const pos = lc.linePos(offset);
  return { line: pos.line, col: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as Node | null | undefined)?.range;
  return r ? r[0] : undefined;
}

function duplicateKeyAt(text: string, offset: number): string {
  const rest = text.slice(offset);
  const end = rest.search(/[:\n]/);
  return (end < 0 ? rest : rest.slice(0, end)).trim();
}

export function loadPlanText(text: string, file: string): PlanLoadResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // Each repeated key is a mistake of its own; of the syntax errors only the first is (see yaml-errors.ts).
    const duplicates = doc.errors.filter((e) => e.code === 'DUPLICATE_KEY');
    const issues = duplicates.map((e): PlanIssue => {
      const pos = lc.linePos(e.pos[0]);
      return {
        file,
        line: pos.line,
        column: pos.col,
        path: '(YAML)',
        message: `字段「${duplicateKeyAt(text, e.pos[0])}」在同一层级中重复出现`,
      };
    });
    const syntax = firstYamlSyntaxProblem(
      text,
      doc.errors.filter((e) => e.code !== 'DUPLICATE_KEY'),
      lc,
    );
    if (syntax)
      issues.push({
        file,
        line: syntax.line,
        column: syntax.column,
        path: '(YAML)',
        message: syntax.message,
      });
    issues.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, issues };
  }
  // A plan has no use for aliases of aliases; the parser refuses one that expands too far (a YAML bomb).
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    return {
      ok: false,
      issues: [
        {
          file,
          line: 1,
          column: 1,
          path: '(YAML)',
          message: '计划文件中的别名（&、*）展开过多，请直接写出各项内容',
        },
      ],
    };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      ok: false,
      issues: [
        {
          file,
          line: 1,
          column: 1,
          path: '(根)',
          message: '计划文件应为一个映射（schemaVersion、id、title、stages …）',
        },
      ],
    };
  }
  const raw: { path: Path; message: string }[] = [];
  const parsed = PlanSchema.safeParse(data);
  if (!parsed.success) for (const iss of parsed.error.issues) raw.push(...translate(iss, data));
  raw.push(...crossCheck(data));
  // Dates need the parsed plan (its calendar); only judged when nothing else is wrong.
  if (raw.length === 0 && parsed.success) raw.push(...stepWindowIssues(parsed.data));
  if (raw.length === 0 && parsed.success) return { ok: true, plan: parsed.data };
  const issues = raw.map((r): PlanIssue => {
    const { line, col } = locate(doc, r.path, lc);
    return { file, line, column: col, path: formatPath(r.path), message: r.message };
  });
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, issues };
}
