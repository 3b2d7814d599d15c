import { describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../../domain/calendar/index.js';
import { formatIssue } from '../../../domain/plan/issue.js';
import { loadPlanText } from '../../../domain/plan/load.js';
import { calendarForPlan } from '../../../domain/schedule/index.js';

const HEAD = `schemaVersion: 1
id: steps_check
title: 步骤顺序检查
unitTypes: [town_office]
calendar: { kind: cn }
channels: [email]
reminders: { workingDaysBefore: [1] }
escalation:
  levels:
    - { level: 1, after: 1wd, to: [liaison] }
stages:
`;

/** Every problem as the office reads it, and the line each one names. */
function check(
  stages: string,
  file = 'steps.yaml',
): { errors: string[]; lineOf: (needle: string) => number } {
  const text = HEAD + stages;
  const r = loadPlanText(text, file);
  const lines = text.split('\n');
  const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
  return { errors: r.ok ? [] : r.issues.map(formatIssue), lineOf };
}

const STUDY = `  - id: study
    title: 学习调研阶段
    window: { open: 2009-09 初, due: 2009-10-16 }
    steps:
      - { id: plan_doc, title: 制定实施方案, window: { due: 2009-09-30 } }
`;

describe('plan check: steps in order', () => {
  it('accepts steps in order inside their stage', () => {
    expect(
      check(`${STUDY}      - { id: meeting, title: 召开动员大会, after: [plan_doc], duration: 7wd }\n`)
        .errors,
    ).toEqual([]);
  });

  it('refuses an unknown step id in after, naming the step, the field and the line', () => {
    const { errors, lineOf } = check(
      `${STUDY}      - { id: meeting, title: 召开动员大会, after: [plan_dco] }\n`,
    );
    expect(errors).toEqual([
      `steps.yaml:${lineOf('plan_dco')}: stages[0].steps[1].after[0]: 找不到步骤「plan_dco」（after 应列出本阶段的步骤标识）`,
    ]);
  });

  it('refuses a cycle of after, and a step after itself', () => {
    const { errors, lineOf } = check(
      `${STUDY}      - { id: a, title: 学习, after: [b] }\n      - { id: b, title: 讨论, after: [a] }\n      - { id: c, title: 调研, after: [c] }\n`,
    );
    expect(errors).toEqual([
      `steps.yaml:${lineOf('id: a,')}: stages[0].steps[1].after: after 形成循环：「学习」 → 「讨论」 → 「学习」，这些步骤无法排出先后`,
      `steps.yaml:${lineOf('id: c,')}: stages[0].steps[3].after[0]: 步骤不能排在自己之后（after 中有本步骤「c」）`,
    ]);
  });

  it('refuses a predecessor in another stage', () => {
    const { errors } = check(`${STUDY}  - id: analysis
    title: 分析检查阶段
    window: { open: 2009-10-19, due: 2009-12-10 }
    steps:
      - { id: report, title: 撰写报告, after: [plan_doc] }
`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /stages\[1\]\.steps\[0\]\.after\[0\]: 步骤「plan_doc」属于另一阶段 stages\[0\]「学习调研阶段」，after 只能列出同一阶段的步骤/,
    );
  });

  it('refuses a step time said twice: after with window.open, duration with window', () => {
    const { errors } = check(
      `${STUDY}      - { id: m, title: 动员, after: [plan_doc], window: { open: 2009-10-09, due: 2009-10-16 } }\n      - { id: n, title: 学习, duration: 5wd, window: { due: 2009-10-16 } }\n`,
    );
    expect(errors).toEqual([
      expect.stringMatching(
        /stages\[0\]\.steps\[1\]\.window\.open: 设了 after 的步骤在前序步骤完成后开始，不能再设 window\.open$/,
      ),
      expect.stringMatching(/stages\[0\]\.steps\[2\]\.duration: 已设 window，不能再设 duration/),
    ]);
  });

  it('refuses a step window outside its stage', () => {
    const { errors, lineOf } = check(
      `${STUDY}      - { id: late, title: 总结, window: { open: 2009-10-12, due: 2009-10-30 } }\n      - { id: early, title: 准备, window: { open: 2009-08-20, due: 2009-09-10 } }\n`,
    );
    expect(errors).toEqual([
      `steps.yaml:${lineOf('id: late')}: stages[0].steps[1].window.due: 步骤「总结」的截止 2009-10-30 晚于所在阶段「学习调研阶段」的截止 2009-10-16`,
      `steps.yaml:${lineOf('id: early')}: stages[0].steps[2].window.open: 步骤「准备」的开始 2009-08-20 早于所在阶段「学习调研阶段」的开始 2009-09-01`,
    ]);
  });

  it('counts a duration in working days with the plan calendar: 8wd after 09-30 passes the stage’s 10-16 over National Day', () => {
    const { errors, lineOf } = check(
      `${STUDY}      - { id: meeting, title: 召开动员大会, after: [plan_doc], duration: 8wd }\n`,
    );
    const plan = loadPlanText(HEAD + STUDY, 'x.yaml');
    if (!plan.ok) throw new Error('base plan invalid');
    const due = addWorkingDays(calendarForPlan(plan.plan), '2009-09-30', 8);
    expect(due).toBe('2009-10-19');
    expect(errors).toEqual([
      `steps.yaml:${lineOf('duration: 8wd')}: stages[0].steps[1].duration: 步骤「召开动员大会」的截止 ${due}（前序步骤截止后 8wd） 晚于所在阶段「学习调研阶段」的截止 2009-10-16`,
    ]);
  });

  it('refuses a step due before the step it follows', () => {
    const { errors } = check(
      `${STUDY}      - { id: meeting, title: 召开动员大会, after: [plan_doc], window: { due: 2009-09-25 } }\n`,
    );
    expect(errors).toEqual([
      expect.stringMatching(
        /stages\[0\]\.steps\[1\]\.window\.due: 步骤「召开动员大会」的截止 2009-09-25 早于前序步骤「制定实施方案」的截止 2009-09-30$/,
      ),
    ]);
  });

  it('judges offsets only against offsets of the same kind (others are left to plan preview)', () => {
    const stage = (step: string) =>
      `  - id: s1\n    title: 准备\n    window: { open: +0d, due: +30d }\n    steps:\n      - ${step}\n`;
    expect(check(stage('{ id: a, title: 甲, window: { due: +31d } }')).errors).toEqual([
      expect.stringMatching(/window\.due: 步骤「甲」的截止 .* 晚于所在阶段「准备」的截止/),
    ]);
    expect(check(stage('{ id: a, title: 甲, window: { due: +25wd } }')).errors).toEqual([]);
  });

  it('in a continuous calendar every offset counts exactly', () => {
    const text = HEAD.replace('calendar: { kind: cn }', 'calendar: { kind: continuous }')
      .replace('workingDaysBefore: [1]', 'before: [10s]')
      .replace('after: 1wd', 'after: 20s');
    const r = loadPlanText(
      `${text}  - id: s1\n    title: 演练\n    window: { open: +0s, due: +90s }\n    steps:\n      - { id: a, title: 甲, window: { due: +40s } }\n      - { id: b, title: 乙, after: [a], duration: 60s }\n`,
      'drill.yaml',
    );
    expect(r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      expect.stringMatching(
        /^stages\[0\]\.steps\[1\]\.duration: 步骤「乙」的截止 .*（前序步骤截止后 60s） 晚于所在阶段「演练」的截止/,
      ),
    ]);
  });
});
