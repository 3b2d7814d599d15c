import type { EventKind, Facts } from '../../../../activities/notify/types.js';

const base = { campaign: '第三批深入学习实践科学发展观活动', unit: '城关镇东街社区' };

/** One realistic set of facts per event, as the workflow would pass them. */
export const SAMPLE_FACTS: Record<EventKind, Facts> = {
  kickoff: { ...base, firstStage: '学习调研', firstDeadline: '2009年10月31日' },
  stage_opened: {
    ...base,
    stage: '分析检查阶段',
    stageEnd: '2009年12月15日',
    tasks: ['征求意见', '专题组织生活会', '分析检查报告'],
  },
  reminder: {
    ...base,
    task: '分析检查报告',
    deadline: '2009年12月10日',
    daysLeft: 3,
    timeLeft: '距截止还有3天',
  },
  due_today: { ...base, task: '调研报告', deadline: '2009年10月31日' },
  urge: { ...base, task: '整改落实措施', deadline: '2010年1月10日', daysOverdue: 2 },
  supervise: {
    ...base,
    group: '第二指导检查组',
    task: '整改落实措施',
    deadline: '2010年1月10日',
    daysOverdue: 5,
  },
  bulletin: {
    ...base,
    group: '第二指导检查组',
    task: '整改落实措施',
    deadline: '2010年1月10日',
    daysOverdue: 9,
    pairedAgency: '区经委',
  },
  returned: {
    ...base,
    task: '分析检查报告',
    reviewer: '第二指导检查组',
    reasons: ['征求意见范围不广', '查找突出问题不准'],
    resubmitBy: '2009年12月18日',
  },
  approved: { ...base, task: '实施方案', reviewer: '第二指导检查组', nextStep: '报活动办备案' },
  submitted: {
    ...base,
    group: '第二指导检查组',
    task: '实施方案',
    summary: '实施方案（初稿）已报送',
    submission: 1,
    reviewBy: '2009年9月15日',
  },
  review_reminder: {
    ...base,
    group: '第二指导检查组',
    task: '实施方案',
    submittedOn: '2009年9月8日',
    reviewBy: '2009年9月15日',
    timeLeft: '距截止还有1天',
  },
  review_overdue: {
    ...base,
    group: '第二指导检查组',
    task: '实施方案',
    submittedOn: '2009年9月8日',
    reviewBy: '2009年9月15日',
    workingDay: 7,
    label: '审查督办（组长）',
  },
  lookback_gaps: {
    ...base,
    gaps: [{ item: '谈心谈话记录', note: '缺少3名党员' }, { item: '专题组织生活会会议记录' }],
    deadline: '2010年1月25日',
  },
  survey_result: { ...base, respondents: 86, satisfiedRate: '41.9%', verdict: '不满意', remedial: true },
  remedial_opened: {
    ...base,
    reason: '多数群众不满意（86人中50人不满意）',
    round: 1,
    deadline: '2010年2月20日',
  },
  completed: { ...base, completedOn: '2010年2月28日' },
  dates_moved: {
    ...base,
    source: '国务院办公厅关于2010年部分节假日安排的通知',
    count: 1,
    items: [
      { task: '召开“回头看”专题民主生活会', from: '2010年2月15日', to: '2010年2月12日', holiday: '春节' },
    ],
  },
};
