import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPlanText } from '../../../domain/plan/load.js';

const text = readFileSync(new URL('../../fixtures/plans-good/extension_mini.yaml', import.meta.url), 'utf8');
const withPolicy = (policy: string) =>
  loadPlanText(text.replace(/extension:\n( {2}.*\n)+/, `extension: ${policy}\n`), 'extension_mini.yaml');
const messages = (r: ReturnType<typeof loadPlanText>) => (r.ok ? [] : r.issues.map((i) => JSON.stringify(i)));

describe('plan: extension (延期申请)', () => {
  it('accepts the group limit and the decision time', () => {
    const r = withPolicy('{ groupMaxWorkingDays: 3, within: 2wd }');
    expect(r.ok && r.plan.extension).toEqual({ groupMaxWorkingDays: 3, within: '2wd' });
    expect(withPolicy('{ groupMaxWorkingDays: 0 }').ok).toBe(true);
  });

  it('refuses a limit that is not a whole number of working days, and a zero time, in Chinese', () => {
    expect(messages(withPolicy('{ groupMaxWorkingDays: -1 }')).join()).toContain(
      '指导组可批准的延期天数不能为负数',
    );
    expect(messages(withPolicy('{ groupMaxWorkingDays: 1.5 }')).join()).toContain('应为整数（工作日）');
    expect(messages(withPolicy('{ groupMaxWorkingDays: 五 }')).join()).toContain('应为工作日数');
    expect(messages(withPolicy('{ groupMaxWorkingDays: 5, within: 0wd }')).join()).toContain(
      '延期审批时限「0wd」应大于零',
    );
    expect(messages(withPolicy('{ groupMax: 5 }')).join()).toMatch(/groupMax/);
  });
});
