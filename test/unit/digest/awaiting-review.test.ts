/**
 * What waits for review, as the 指导组's daily digest and the API list it: read from published
 * statuses as of a pinned moment, longest waiting first, and rendered in the daily digest.
 */
import { describe, expect, it } from 'vitest';
import { groupDigestFacts } from '../../../activities/digest/activities.js';
import { DEFAULT_DIGEST_TEMPLATES, loadDigestTemplate } from '../../../activities/digest/templates.js';
import { awaitingReviewOf } from '../../../app/awaiting-review.js';
import type { TaskView, UnitCampaignStatus } from '../../../workflows/unit-campaign/messages.js';
import { task as boardTask } from '../status/support/board-fixtures.js';

const SUBMITTED = '2009-09-08T02:00:00.000Z'; // Tue 10:00 Beijing
// Office openings of the next working days (Wed, Thu, Fri, Mon …), as the workflow publishes them.
const DAY_STARTS = [
  '2009-09-09T01:00:00.000Z',
  '2009-09-10T01:00:00.000Z',
  '2009-09-11T01:00:00.000Z',
  '2009-09-14T01:00:00.000Z',
  '2009-09-15T01:00:00.000Z',
];
const LIMIT = '2009-09-15T09:30:00.000Z';

/** A task of the board fixtures, titled by its id, due at the end of September. */
function task(id: string, extra: Partial<TaskView>): TaskView {
  return boardTask(id, { title: id, kind: 'task', dueAt: '2009-09-30T09:30:00.000Z', ...extra });
}

function status(unitId: string, unitName: string, tasks: TaskView[]): UnitCampaignStatus {
  return {
    campaignId: 'c',
    unitId,
    unitName,
    planId: 'p',
    phase: 'running',
    stage: 'study',
    stages: [],
    tasks,
    overdueCount: 0,
    openEscalations: [],
    surveys: [],
    remedialRound: 0,
    lookBackDone: false,
    timeline: [],
    timelineDropped: 0,
    run: 1,
  };
}

const review = {
  submittedAt: SUBMITTED,
  dueAt: LIMIT,
  dayStarts: DAY_STARTS,
  workingDay: 1,
  overdue: false,
  escalationLevel: 0,
};

describe('awaiting review', () => {
  it('counts the working day as of the moment asked, says when the limit has passed, and keeps older runs as 待审查', () => {
    const s = status('u1', '青山镇机关', [
      task('implementation_plan', {
        title: '制定实施方案',
        status: 'submitted',
        needsReview: true,
        submissions: 1,
        review,
      }),
      task('old_style', { title: '整改方案', status: 'submitted', needsReview: true, submissions: 2 }),
      task('no_review', { status: 'submitted' }),
    ]);
    const thursday = Date.parse('2009-09-10T06:00:00Z');
    expect(awaitingReviewOf(s, 'g1', thursday).map((i) => [i.taskId, i.text])).toEqual([
      ['implementation_plan', '等待审查（第 3 个工作日）'],
      ['old_style', '待审查'],
    ]);
    const afterLimit = Date.parse('2009-09-16T02:00:00Z');
    expect(awaitingReviewOf(s, 'g1', afterLimit)[0]).toMatchObject({
      workingDay: 6,
      overdue: true,
      text: '等待审查（第 6 个工作日），已超过审查时限',
    });
  });

  it('the daily digest lists them after the overdue items, and says so in the subject', () => {
    const s = status('u1', '青山镇机关', [
      task('implementation_plan', {
        title: '组织“回头看”方案',
        status: 'submitted',
        needsReview: true,
        submissions: 1,
        review,
      }),
    ]);
    const items = awaitingReviewOf(s, 'g1', Date.parse('2009-09-10T06:00:00Z'));
    const daily = loadDigestTemplate(DEFAULT_DIGEST_TEMPLATES, 'group_daily');
    const group = { id: 'g1', name: '第一指导检查组', members: [] };
    const mail = daily.render(
      groupDigestFacts('第三批深入学习实践科学发展观活动', group, '2009-09-10', [], items),
      '区学习实践活动办公室',
    );
    expect(mail.subject).toBe(
      '【第三批深入学习实践科学发展观活动】第一指导检查组每日逾期清单（2009-09-10）：0项，待审查1项',
    );
    expect(mail.text).toContain('本组联系的单位没有逾期事项');
    expect(mail.text).toContain(
      '1. 青山镇机关：“组织‘回头看’方案”，2009-09-08 10:00报送，等待审查（第 3 个工作日），审查时限2009-09-15 17:30',
    );
    const none = daily.render(groupDigestFacts('活动', group, '2009-09-10', []), '办');
    expect(none.subject).toBe('【活动】第一指导检查组每日逾期清单（2009-09-10）：0项');
    expect(none.text).not.toContain('等待本组审查');
  });
});
