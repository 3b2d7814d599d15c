/**
 * Malformed request bodies generated from a route's JSON schema (as /openapi.json gives it) and
 * one body the route accepts: each is that body with one thing wrong, and names the field a
 * refusal must name (null where the whole body is wrong). Wrong types, missing and extra fields,
 * huge and deeply nested values, control characters and lone surrogates, impossible dates,
 * numbers out of range, unknown choices, and bodies that are not an object or not JSON at all.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  items?: JsonSchema;
  pattern?: string;
}

export interface Malformed {
  kind: string;
  payload: string;
  /** The field the refusal must name, or null for a body wrong as a whole. */
  field: string | null;
}

type Obj = Record<string, unknown>;
interface Slot {
  path: string[];
  schema: JsonSchema;
}

/** Every property of the schema, nested objects included, with its path. */
function slots(schema: JsonSchema, path: string[] = []): Slot[] {
  return Object.entries(schema.properties ?? {}).flatMap(([k, s]) => [
    { path: [...path, k], schema: s },
    ...(s.type === 'object' ? slots(s, [...path, k]) : []),
  ]);
}
/** The objects of the schema (the body itself and nested ones). */
const objects = (schema: JsonSchema): Slot[] => [
  { path: [], schema },
  ...slots(schema).filter((s) => s.schema.type === 'object'),
];

const clone = (x: Obj): Obj => structuredClone(x);
function parentOf(body: Obj, path: string[]): Obj {
  let o = body;
  for (const k of path.slice(0, -1)) {
    o[k] ??= {};
    o = o[k] as Obj;
  }
  return o;
}
/** Sets even `__proto__` as an own key, as JSON.parse would read it. */
const setOwn = (o: Obj, k: string, v: unknown) =>
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
function withValue(valid: Obj, path: string[], value: unknown): string {
  const body = clone(valid);
  setOwn(parentOf(body, path), path.at(-1)!, value);
  return JSON.stringify(body);
}

const deep = (depth: number, leaf: 'array' | 'object'): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = leaf === 'array' ? [v] : { a: v };
  return v;
};

const wrongTypes: Record<string, unknown[]> = {
  string: [1, 0, -1.5, true, false, null, ['x'], {}, { value: 'x' }],
  integer: ['1', '0', true, null, [1], {}, 1.5, 'NaN'],
  boolean: ['true', 1, 0, null, [true], {}],
  array: ['x', 1, true, null, {}],
  object: ['x', 1, true, null, [], [{}]],
};

const BAD_CHARS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u000b',
  '\u001b[31m',
  '\u001f',
  '\ud800',
  '\udfff',
  'a\ud83d',
];
const IMPOSSIBLE_DATES = [
  '2026-02-30',
  '2026-02-29',
  '2026-13-01',
  '2026-00-10',
  '2026-04-31',
  '2026-06-00',
  '2026-03-01T24:30:00+08:00',
  '2026-03-01T10:61:00+08:00',
  '2026-02-30T09:00:00+08:00',
  '0000-00-00',
  '2026-3-1',
  '明天',
];
const DATE_FIELDS = new Set(['newDue', 'due']);
const DURATION_FIELDS = new Set(['shift', 'shiftBy']);

/** One wrong thing about the body `valid`, which the route's `schema` accepts. */
export function malformedBody(schema: JsonSchema, valid: Obj): fc.Arbitrary<Malformed> {
  const leaves = slots(schema);
  const objs = objects(schema);
  const name = (path: string[]) => path.at(-1)!;
  const choices: fc.Arbitrary<Malformed>[] = [];

  choices.push(
    fc
      .constantFrom(...leaves)
      .chain((s) =>
        fc
          .constantFrom(...(wrongTypes[s.schema.type ?? 'string'] ?? wrongTypes.string!))
          .map((v) => ({ kind: 'wrong type', payload: withValue(valid, s.path, v), field: name(s.path) })),
      ),
  );
  const required = objs.flatMap((o) => (o.schema.required ?? []).map((k) => [...o.path, k]));
  if (required.length > 0)
    choices.push(
      fc.constantFrom(...required).map((path) => {
        const body = clone(valid);
        delete parentOf(body, path)[path.at(-1)!];
        return { kind: 'missing field', payload: JSON.stringify(body), field: name(path) };
      }),
    );
  const extraKey = fc.oneof(
    fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'by',
      'submittedBy',
      'personId',
      'role',
      'campaignId',
      'unitId',
      '$where',
      '字段',
    ),
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/),
  );
  choices.push(
    fc
      .tuple(
        fc.constantFrom(...objs),
        extraKey,
        fc.oneof(fc.string(), fc.integer(), fc.constant({ admin: true })),
      )
      .filter(([o, k]) => !Object.hasOwn(o.schema.properties ?? {}, k))
      .map(([o, k, v]) => ({ kind: 'extra field', payload: withValue(valid, [...o.path, k], v), field: k })),
  );
  const strings = leaves.filter((s) => s.schema.type === 'string');
  const limited = strings.filter((s) => s.schema.maxLength !== undefined);
  if (limited.length > 0)
    choices.push(
      fc
        .tuple(
          fc.constantFrom(...limited),
          fc.integer({ min: 1, max: 20_000 }),
          fc.constantFrom('材', 'a', '😀'),
        )
        .map(([s, extra, ch]) => ({
          kind: 'huge string',
          payload: withValue(valid, s.path, ch.repeat(s.schema.maxLength! + extra)),
          field: name(s.path),
        })),
    );
  choices.push(
    fc
      .tuple(
        fc.constantFrom(...leaves),
        fc.integer({ min: 2, max: 400 }),
        fc.constantFrom('array' as const, 'object' as const),
      )
      .map(([s, depth, leaf]) => ({
        kind: 'deep nesting',
        payload: withValue(valid, s.path, deep(depth, leaf)),
        field: name(s.path),
      })),
  );
  if (strings.length > 0)
    choices.push(
      fc
        .tuple(
          fc.constantFrom(...strings),
          fc.string({ maxLength: 8, unit: 'grapheme' }),
          fc.constantFrom(...BAD_CHARS),
        )
        .map(([s, text, bad]) => ({
          kind: 'unicode',
          payload: withValue(valid, s.path, `${text}${bad}${text}`),
          field: name(s.path),
        })),
    );
  const dates = strings.filter((s) => DATE_FIELDS.has(name(s.path)));
  if (dates.length > 0)
    choices.push(
      fc.tuple(fc.constantFrom(...dates), fc.constantFrom(...IMPOSSIBLE_DATES)).map(([s, d]) => ({
        kind: 'impossible date',
        payload: withValue(valid, s.path, d),
        field: name(s.path),
      })),
    );
  const durations = strings.filter((s) => DURATION_FIELDS.has(name(s.path)));
  if (durations.length > 0)
    choices.push(
      fc
        .tuple(
          fc.constantFrom(...durations),
          fc.constantFrom('0d', '0wd', '-1d', '7', 'd', '1y', '1.5d', '7 d', '∞d', '99999999999d'),
        )
        .map(([s, d]) => ({
          kind: 'bad duration',
          payload: withValue(valid, s.path, d),
          field: name(s.path),
        })),
    );
  const ints = leaves.filter((s) => s.schema.type === 'integer');
  if (ints.length > 0)
    choices.push(
      fc.constantFrom(...ints).chain((s) => {
        const bad = [(s.schema.minimum ?? 0) - 1, (s.schema.minimum ?? 0) + 0.5, -1e21, 1e308];
        if (s.schema.maximum !== undefined && s.schema.maximum < 1e15) bad.push(s.schema.maximum + 1);
        return fc.constantFrom(...bad).map((v) => ({
          kind: 'number out of range',
          payload: withValue(valid, s.path, v),
          field: name(s.path),
        }));
      }),
    );
  const enums = leaves.filter((s) => s.schema.enum);
  if (enums.length > 0)
    choices.push(
      fc
        .tuple(
          fc.constantFrom(...enums),
          fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.constantFrom('APPROVE', ' approve', 'approve ', 'false', '其他'),
          ),
        )
        .filter(([s, v]) => !s.schema.enum!.includes(v))
        .map(([s, v]) => ({
          kind: 'unknown choice',
          payload: withValue(valid, s.path, v),
          field: name(s.path),
        })),
    );
  const arrays = leaves.filter((s) => s.schema.type === 'array');
  const capped = arrays.filter((s) => s.schema.maxItems !== undefined);
  if (capped.length > 0)
    choices.push(
      fc.constantFrom(...capped).map((s) => ({
        kind: 'too many items',
        payload: withValue(
          valid,
          s.path,
          Array.from({ length: s.schema.maxItems! + 1 }, () => 'x'),
        ),
        field: name(s.path),
      })),
    );
  if (arrays.length > 0)
    choices.push(
      fc
        .constantFrom(...arrays)
        .chain((s) =>
          fc
            .constantFrom<unknown>(
              1,
              null,
              true,
              {},
              [],
              '\u0000',
              ...(s.schema.items?.pattern ? ['sha256:xyz', ''] : []),
            )
            .map((item) => [s, item] as const),
        )
        .map(([s, item]) => ({
          kind: 'bad array item',
          payload: withValue(valid, s.path, [item]),
          field: name(s.path),
        })),
    );
  choices.push(
    fc
      .constantFrom(
        '[]',
        '"x"',
        '1',
        'null',
        'true',
        '[{}]',
        '{',
        '{"a":',
        '{"a":1,}',
        "{'a':1}",
        '{"a":NaN}',
      )
      .map((payload) => ({ kind: 'not an object', payload, field: null })),
  );
  return fc.oneof(...choices);
}
