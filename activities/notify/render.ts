import { curlyQuotes, nestQuotes } from './quotes.js';
import type { FactValue, Facts } from './types.js';

/**
 * A deliberately tiny template language an office can edit without breaking anything:
 *   {{unit.name}}              value (HTML-escaped in html mode); a missing value is an error
 *   {{deadline?}}              optional value: empty when missing
 *   {{#if reasons}}…{{else}}…{{/if}}
 *   {{#each reasons}}{{@n}}. {{.}}{{/each}}   ({{.field}} for lists of objects, {{@n}} counts from 1)
 * No code, no helpers, no raw HTML from facts: the facts come from rosters typed by people.
 * Quotes inside quotes come out nested the Chinese way (quotes.ts).
 */

export type RenderMode = 'text' | 'html';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'value'; path: string; optional: boolean; line: number }
  | { kind: 'if'; path: string; then: Node[]; otherwise: Node[]; line: number }
  | { kind: 'each'; path: string; body: Node[]; line: number };

export class TemplateSyntaxError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join('；'));
    this.name = 'TemplateSyntaxError';
  }
}

export class TemplateRenderError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join('；'));
    this.name = 'TemplateRenderError';
  }
}

const TAG = /\{\{\s*([#/]?)\s*([^{}]*?)\s*\}\}/g;
const PATH = /^(\.|@n|\.?[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*)$/;

export interface CompiledTemplate {
  readonly source: string;
  render(facts: Facts, mode: RenderMode): string;
  /** Top-level fact names the template reads, for documentation and checks. */
  readonly paths: string[];
}

function lineAt(source: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

export function compileTemplate(source: string): CompiledTemplate {
  const issues: string[] = [];
  const root: Node[] = [];
  const stack: { node: Extract<Node, { kind: 'if' | 'each' }>; inElse: boolean }[] = [];
  const paths = new Set<string>();
  const target = (): Node[] => {
    const top = stack[stack.length - 1];
    if (!top) return root;
    if (top.node.kind === 'each') return top.node.body;
    return top.inElse ? top.node.otherwise : top.node.then;
  };

  let last = 0;
  for (const m of source.matchAll(TAG)) {
    const index = m.index;
    if (index > last) target().push({ kind: 'text', text: source.slice(last, index) });
    last = index + m[0].length;
    const sigil = m[1] ?? '';
    const body = m[2] ?? '';
    const line = lineAt(source, index);
    if (sigil === '#') {
      const [keyword, path = ''] = body.split(/\s+/, 2);
      if ((keyword !== 'if' && keyword !== 'each') || !PATH.test(path)) {
        issues.push(`第 ${line} 行：无法识别的块标记「${m[0]}」，应为 {{#if 名称}} 或 {{#each 名称}}`);
        continue;
      }
      if (!path.startsWith('.') && !path.startsWith('@')) paths.add(path.split('.')[0] ?? path);
      const node: Extract<Node, { kind: 'if' | 'each' }> =
        keyword === 'if'
          ? { kind: 'if', path, then: [], otherwise: [], line }
          : { kind: 'each', path, body: [], line };
      target().push(node);
      stack.push({ node, inElse: false });
    } else if (sigil === '/') {
      const top = stack.pop();
      if (!top || top.node.kind !== body) {
        issues.push(`第 ${line} 行：「${m[0]}」没有对应的开始标记`);
        if (top) stack.push(top);
      }
    } else if (body === 'else') {
      const top = stack[stack.length - 1];
      if (!top || top.node.kind !== 'if' || top.inElse)
        issues.push(`第 ${line} 行：{{else}} 只能出现在 {{#if}} 中且只能出现一次`);
      else top.inElse = true;
    } else {
      const optional = body.endsWith('?');
      const path = optional ? body.slice(0, -1) : body;
      if (!PATH.test(path)) {
        issues.push(`第 ${line} 行：占位符「${m[0]}」的名称不合法`);
        continue;
      }
      if (!path.startsWith('.') && !path.startsWith('@')) paths.add(path.split('.')[0] ?? path);
      target().push({ kind: 'value', path, optional, line });
    }
  }
  if (last < source.length) target().push({ kind: 'text', text: source.slice(last) });
  for (const open of stack)
    issues.push(`第 ${open.node.line} 行：{{#${open.node.kind}}} 缺少结束标记 {{/${open.node.kind}}}`);
  if (issues.length > 0) throw new TemplateSyntaxError(issues);

  return {
    source,
    paths: [...paths].sort(),
    render(facts, mode) {
      const errors: string[] = [];
      const out = renderNodes(root, { facts, item: undefined, n: 0 }, mode, errors);
      if (errors.length > 0) throw new TemplateRenderError([...new Set(errors)]);
      // A title quoted in the template may carry quotes of its own: nest them as Chinese does.
      return nestQuotes(out);
    },
  };
}

interface Scope {
  facts: Facts;
  item: FactValue | undefined;
  n: number;
}

function lookup(path: string, scope: Scope): FactValue | undefined {
  if (path === '.') return scope.item;
  if (path === '@n') return scope.n;
  let current: FactValue | undefined;
  let parts: string[];
  if (path.startsWith('.')) {
    current = scope.item;
    parts = path.slice(1).split('.');
  } else {
    current = scope.facts;
    parts = path.split('.');
  }
  for (const part of parts) {
    if (current === null || current === undefined || typeof current !== 'object' || Array.isArray(current))
      return undefined;
    current = (current as { readonly [k: string]: FactValue })[part];
  }
  return current;
}

function truthy(value: FactValue | undefined): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== false && value !== '' && value !== 0;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function scalar(value: FactValue): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value))
    return value.every((v) => typeof v === 'string' || typeof v === 'number') ? value.join('、') : undefined;
  return undefined;
}

function renderNodes(nodes: Node[], scope: Scope, mode: RenderMode, errors: string[]): string {
  let out = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out += node.text;
        break;
      case 'value': {
        const value = lookup(node.path, scope);
        if (value === undefined || value === null) {
          if (!node.optional) errors.push(`第 ${node.line} 行：缺少「${node.path}」的值`);
          break;
        }
        const text = scalar(value);
        if (text === undefined) {
          errors.push(`第 ${node.line} 行：「${node.path}」不是可打印的值`);
          break;
        }
        // Control characters could forge headers or break SMS; facts never need them.
        // eslint-disable-next-line no-control-regex -- stripping control characters is the point
        const clean = curlyQuotes(text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ''));
        out += mode === 'html' ? escapeHtml(clean) : clean;
        break;
      }
      case 'if':
        out += renderNodes(
          truthy(lookup(node.path, scope)) ? node.then : node.otherwise,
          scope,
          mode,
          errors,
        );
        break;
      case 'each': {
        const list = lookup(node.path, scope);
        if (list === undefined || list === null) break;
        if (!Array.isArray(list)) {
          errors.push(`第 ${node.line} 行：「${node.path}」应为列表`);
          break;
        }
        (list as readonly FactValue[]).forEach((item, i) => {
          out += renderNodes(node.body, { facts: scope.facts, item, n: i + 1 }, mode, errors);
        });
        break;
      }
    }
  }
  return out;
}
