import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../domain/plan/issue.js';
import { loadPlanText } from '../../../domain/plan/load.js';

const DIR = new URL('../../fixtures/plans-bad/', import.meta.url);

function errorsOf(file: string): string[] {
  const r = loadPlanText(readFileSync(new URL(file, DIR), 'utf8'), file);
  if (r.ok) throw new Error(`${file} unexpectedly valid`);
  return r.issues.map(formatIssue);
}

// Each malformed plan and exactly what the office is told: file, line, field path, message.
const EXPECTED: Record<string, string[]> = {
  '01-month-13.yaml': [
    '01-month-13.yaml:29: stages[0].steps[1].window.due: 无法识别的日期「2009-13 中旬」：月份应在 1–12 之间',
  ],
  '02-duplicate-step-id.yaml': [
    '02-duplicate-step-id.yaml:19: lookBack.step: 找不到步骤「look_back」',
    '02-duplicate-step-id.yaml:36: stages[1].steps[0].id: 步骤标识「convey_spirit」重复（已用于 stages[0].steps[0]）',
  ],
  '03-due-before-open.yaml': [
    '03-due-before-open.yaml:23: stages[0].window.due: 截止「2009-09 下旬」早于开始「2009-11 上旬」',
  ],
  '04-unknown-unit-type.yaml': [
    '04-unknown-unit-type.yaml:27: stages[0].steps[0].appliesTo.unitTypes[0]: 单位类型「town」无效，可选：town_office、village、street_office、community、school、non_public、private_hospital、government_office、town_party_committee',
  ],
  '05-unknown-flag.yaml': [
    '05-unknown-flag.yaml:27: stages[0].steps[0].appliesTo.flags[0]: 单位标记「has_committee」无效，可选：has_party_committee、large_school、secondary_school',
  ],
  '06-escalation-out-of-order.yaml': [
    '06-escalation-out-of-order.yaml:18: escalation.levels[2].after: 第 3 级的时间「2wd」应晚于上一级',
  ],
  '07-unknown-field.yaml': ['07-unknown-field.yaml:29: stages[0].steps[1].deadline: 未知字段「deadline」'],
  '08-missing-title.yaml': ['08-missing-title.yaml:27: stages[0].steps[1].title: 缺少必填字段'],
  '09-bad-duration.yaml': [
    '09-bad-duration.yaml:19: lookBack.gapDeadline: 无法识别的时长「5 days」，应写作数字加单位，如 3wd（工作日）、45d、2w、2mo、4h、5m、90s',
  ],
  '10-unknown-checklist.yaml': [
    '10-unknown-checklist.yaml:30: stages[0].steps[1].review.checklist: 未定义的审查清单「four_no_meeting」（请在 checklists 中定义）',
  ],
  '11-yaml-duplicate-key.yaml': ['11-yaml-duplicate-key.yaml:23: (YAML): 字段「title」在同一层级中重复出现'],
  '12-lookback-wrong-kind.yaml': [
    '12-lookback-wrong-kind.yaml:19: lookBack.step: 步骤「look_back」应为回头看步骤（kind: look_back）',
  ],
  '13-after-previous-first.yaml': [
    '13-after-previous-first.yaml:23: stages[0].opens: 第一个阶段没有上一阶段，不能设为 after_previous',
    '13-after-previous-first.yaml:24: stages[0].window.open: “上一阶段完成后开启”的阶段不能另设开始日期',
  ],
  '14-bad-time-of-day.yaml': [
    '14-bad-time-of-day.yaml:13: reminders.onDueDay: 无法识别的时刻「上午9点」，应写作 HH:mm，如 09:00',
  ],
  '15-bad-role.yaml': [
    '15-bad-role.yaml:17: escalation.levels[1].to[0]: 角色「party_secretary」无效，可选：liaison、unit_head、supervisor_group、office、paired_agency、district_leader、group_leader',
  ],
  '16-bad-offset.yaml': [
    '16-bad-offset.yaml:29: stages[0].steps[1].window.due: 无法识别的日期「45」：应写作文字，如 2009-11 中旬、2009-09-01、+45d',
  ],
  '17-not-a-date.yaml': [
    '17-not-a-date.yaml:29: stages[0].steps[1].window.due: 无法识别的日期「2009-02-30」：没有这一天',
  ],
  '18-level-numbering.yaml': [
    '18-level-numbering.yaml:17: escalation.levels[1].level: 催办级别应按顺序编号，这里应为 2，实际为 4',
  ],
  '19-bad-slug.yaml': [
    '19-bad-slug.yaml:25: stages[0].steps[0].id: 标识「传达精神」只能用小写英文字母、数字和下划线，且以字母开头',
  ],
  '20-empty-steps.yaml': [
    '20-empty-steps.yaml:19: lookBack.step: 找不到步骤「look_back」',
    '20-empty-steps.yaml:35: stages[1].steps: 每个阶段至少要有一个步骤',
  ],
  '21-many-errors.yaml': [
    '21-many-errors.yaml:5: channels[1]: 通知渠道「fax」无效，可选：email、sms、dingtalk、wecom',
    '21-many-errors.yaml:18: escalation.levels[2].after: 第 3 级的时间「2wd」应晚于上一级',
    '21-many-errors.yaml:19: lookBack.step: 找不到步骤「look_back」',
    '21-many-errors.yaml:29: stages[0].steps[1].window.due: 无法识别的日期「2009-13 中旬」：月份应在 1–12 之间',
    '21-many-errors.yaml:36: stages[1].steps[0].id: 步骤标识「convey_spirit」重复（已用于 stages[0].steps[0]）',
  ],
  '22-not-a-mapping.yaml': [
    '22-not-a-mapping.yaml:1: (根): 计划文件应为一个映射（schemaVersion、id、title、stages …）',
  ],
  '23-route-channel-not-in-plan.yaml': [
    '23-route-channel-not-in-plan.yaml:8: routing.events.reminder.channels[0]: 渠道「sms」（短信）不在本计划的 channels 之中（本计划的 channels 只有：email）',
  ],
  '24-route-escalation-recipients.yaml': [
    '24-route-escalation-recipients.yaml:9: routing.events.supervise.to: 督办的接收人按级别在 escalation.levels 中设置（to、cc），此处只能设置 channels 和 ignoreQuietHours',
    '24-route-escalation-recipients.yaml:11: routing.events.urge.cc: 催办的接收人按级别在 escalation.levels 中设置（to、cc），此处只能设置 channels 和 ignoreQuietHours',
  ],
  '25-route-unknown-event.yaml': [
    '25-route-unknown-event.yaml:8: routing.events.overdue: 未知字段「overdue」',
    '25-route-unknown-event.yaml:9: routing.events.returned.to: 至少要有一个接收角色',
    '25-route-unknown-event.yaml:9: routing.events.returned.cc[0]: 角色「secretary」无效，可选：liaison、unit_head、supervisor_group、office、paired_agency、district_leader、group_leader',
  ],
  '26-quiet-hours-and-level-channels.yaml': [
    '26-quiet-hours-and-level-channels.yaml:8: routing.quietHours.sms: 免打扰规则「night_ok」无效，可选：office_hours、working_days、any_time',
    '26-quiet-hours-and-level-channels.yaml:9: routing.quietHours.wecom: 本计划不使用渠道「wecom」（企业微信），无需设置其免打扰规则（本计划的 channels 只有：email、sms）',
    '26-quiet-hours-and-level-channels.yaml:22: escalation.levels[2].channels[1]: 渠道「dingtalk」（钉钉）不在本计划的 channels 之中（本计划的 channels 只有：email、sms）',
    '26-quiet-hours-and-level-channels.yaml:22: escalation.levels[2].ignoreQuietHours: 应为 true 或 false',
  ],
  '27-yaml-unquoted-bracket.yaml': [
    '27-yaml-unquoted-bracket.yaml:17: (YAML): YAML 语法错误（第 17 行第 78 列）：这里的「[」出现在不该出现的位置。该行内容：- { level: 2, after: 3wd, to: [unit_head], cc: [paired_agency], label: 督促[补] }。提示：写在 { … } 或 [ … ] 里的文字如含有 [ ] { } , : # 等符号，须加引号，如 label: "督促[补]"。其后另有 113 处语法错误，多由这一处引起，改正后请重新检查',
  ],
  '28-yaml-unclosed-list.yaml': [
    '28-yaml-unclosed-list.yaml:16: (YAML): YAML 语法错误（第 16 行第 44 列）：由「[」开始的列表没有以「]」结束（或下一行的缩进不够）。该行内容：- { level: 1, after: 1wd, to: [liaison }。提示：写在 { … } 或 [ … ] 里的文字如含有 [ ] { } , : # 等符号，须加引号，如 label: "督促[补]"。其后另有 1 处语法错误，多由这一处引起，改正后请重新检查',
  ],
  '29-review-within.yaml': [
    '29-review-within.yaml:20: review.within: 审查时限「0wd」应大于零，如 5wd',
    '29-review-within.yaml:31: stages[0].steps[1].review.within: 无法识别的时长「五个工作日」，应写作数字加单位，如 3wd（工作日）、45d、2w、2mo、4h、5m、90s',
  ],
};

describe('malformed plans', () => {
  it('every fixture in plans-bad has an expectation (and vice versa)', () => {
    expect(
      readdirSync(DIR)
        .filter((f) => f.endsWith('.yaml'))
        .sort(),
    ).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file} fails naming the exact place`, () => {
      expect(errorsOf(file)).toEqual(expected);
    });
  }

  it('a YAML syntax error is one Chinese message, whatever the parser reported after it', () => {
    for (const file of ['27-yaml-unquoted-bracket.yaml', '28-yaml-unclosed-list.yaml']) {
      const errors = errorsOf(file);
      expect(errors).toHaveLength(1);
      // Nothing of the parser's English is left but the quoted line itself.
      expect(errors[0]!.replace(/该行内容：[^。]*。/, '')).not.toMatch(/Unexpected|Flow|must|indent/i);
    }
  });

  it('the line named is the line that holds the mistake', () => {
    const text = readFileSync(new URL('01-month-13.yaml', DIR), 'utf8');
    expect(text.split('\n')[29 - 1]).toContain('2009-13 中旬');
    const dup = readFileSync(new URL('02-duplicate-step-id.yaml', DIR), 'utf8');
    expect(dup.split('\n')[36 - 1]).toContain('id: convey_spirit');
  });
});
