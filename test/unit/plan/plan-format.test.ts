import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDateExpr, parseDuration, periodRange } from '../../../domain/plan/expr.js';
import { planJsonSchemaText } from '../../../domain/plan/json-schema.js';
import { loadPlanText } from '../../../domain/plan/load.js';
import { loadPlanFile } from '../../../domain/plan/load-file.js';

const root = new URL('../../../', import.meta.url);

describe('plan format', () => {
  it('the committed plans/plan.schema.json is generated from the zod schema (run: npx tsx domain/plan/write-json-schema.ts)', () => {
    expect(readFileSync(new URL('plans/plan.schema.json', root), 'utf8')).toBe(planJsonSchemaText());
  });

  it('the JSON Schema constrains what the zod schema does', () => {
    const s = JSON.parse(planJsonSchemaText()) as {
      required: string[];
      properties: Record<string, { items?: { enum?: string[] } }>;
    };
    expect(s.required).toEqual(
      expect.arrayContaining([
        'schemaVersion',
        'id',
        'title',
        'unitTypes',
        'channels',
        'reminders',
        'escalation',
        'stages',
      ]),
    );
    expect(s.properties.channels?.items?.enum).toEqual(['email', 'sms', 'dingtalk', 'wecom']);
  });

  it('the examples in docs/plan-format.md are valid plans', () => {
    const doc = readFileSync(new URL('docs/plan-format.md', root), 'utf8');
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const [i, b] of blocks.entries()) {
      const r = loadPlanText(b, `example-${i}.yaml`);
      expect(r.ok ? [] : r.issues).toEqual([]);
    }
  });

  it('fills defaults an office need not write', () => {
    const doc = readFileSync(new URL('docs/plan-format.md', root), 'utf8');
    const drill = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)][1]?.[1] ?? '';
    const r = loadPlanText(drill, 'drill.yaml');
    if (!r.ok) throw new Error('drill invalid');
    expect(r.plan.timeZone).toBe('Asia/Shanghai');
    expect(r.plan.deadlineOnHoliday).toBe('previous_working_day');
    expect(r.plan.stages[0]?.opens).toBe('calendar');
    expect(r.plan.stages[0]?.steps[0]?.kind).toBe('task');
    expect(r.plan.calendar.officeHours).toEqual({ start: '09:00', end: '17:30' });
  });

  it('reads 旬 notation as the seeds mean it', () => {
    expect(parseDateExpr('2009-11 中旬')).toEqual({
      ok: true,
      value: { kind: 'period', year: 2009, month: 11, part: 'middle_dekad' },
    });
    expect(parseDateExpr('2009年12月上旬')).toEqual({
      ok: true,
      value: { kind: 'period', year: 2009, month: 12, part: 'first_dekad' },
    });
    expect(periodRange(2009, 11, 'first_dekad')).toEqual({ first: '2009-11-01', last: '2009-11-10' });
    expect(periodRange(2009, 11, 'middle_dekad')).toEqual({ first: '2009-11-11', last: '2009-11-20' });
    expect(periodRange(2009, 11, 'last_dekad')).toEqual({ first: '2009-11-21', last: '2009-11-30' });
    expect(periodRange(2010, 2, 'last_dekad')).toEqual({ first: '2010-02-21', last: '2010-02-28' });
    expect(periodRange(2010, 2, 'end')).toEqual({ first: '2010-02-24', last: '2010-02-28' });
    expect(periodRange(2009, 9, 'beginning')).toEqual({ first: '2009-09-01', last: '2009-09-05' });
    expect(periodRange(2010, 2, 'whole')).toEqual({ first: '2010-02-01', last: '2010-02-28' });
    expect(parseDateExpr('2009-11 中下旬').ok).toBe(false);
  });

  it('reads offsets and durations, including seconds for drills', () => {
    expect(parseDateExpr('+45d')).toEqual({
      ok: true,
      value: { kind: 'offset', offset: { amount: 45, unit: 'd' } },
    });
    expect(parseDateExpr('+90s')).toEqual({
      ok: true,
      value: { kind: 'offset', offset: { amount: 90, unit: 's' } },
    });
    expect(parseDuration('3wd')).toEqual({ ok: true, value: { amount: 3, unit: 'wd' } });
    expect(parseDuration('2mo')).toEqual({ ok: true, value: { amount: 2, unit: 'mo' } });
    expect(parseDuration('3 wd').ok).toBe(false);
  });

  it('reports a missing file in Chinese', async () => {
    const r = await loadPlanFile('/nonexistent/town.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]?.message).toBe('文件不存在');
  });
});
