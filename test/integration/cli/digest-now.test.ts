/**
 * `campaign digest schedule` then `campaign digest now`, run as the office runs them (separate
 * processes) for a small live campaign: each 指导组 gets its daily overdue list on the loopback
 * SMTP server, one email per member, listing its own units' overdue items only.
 */
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignDigestResult } from '../../../workflows/digest/messages.js';
import { digestScheduleId } from '../../../workflows/ids.js';
import { uniqueName } from '../../support/unique.js';
import { FIXTURES, GROUPS, PLAN, UNITS, eventually, startHarness, type Harness } from './harness.js';
import { runCliToEnd } from './spawn-cli.js';
import { launchFixtureCampaign, untilAllOverdue } from './fixture-campaign.js';

const OFFICE = path.join(FIXTURES, 'office.yaml');
let h: Harness;
let campaign: string;

beforeAll(async () => {
  h = await startHarness();
  ({ campaign } = await launchFixtureCampaign(h, 'digest'));
  // convey_spirit is due 2 s after the start: every unit soon has an overdue item.
  await untilAllOverdue(h, campaign);
});
afterAll(async () => {
  await h?.client.schedule
    .getHandle(digestScheduleId(campaign))
    .delete()
    .catch(() => undefined);
  await h?.close();
});

const addresses = (m: ParsedMail) =>
  (Array.isArray(m.to) ? m.to : [m.to])
    .flatMap((a) => a?.value ?? [])
    .map((a) => a.address)
    .sort();

describe('campaign digest now', () => {
  it('sends each 指导组 its overdue list at once', async () => {
    // A continuous calendar makes today a working day whatever the date the test runs on.
    const scheduled = await runCliToEnd([
      'digest',
      'schedule',
      '--campaign',
      campaign,
      '--plan',
      PLAN,
      '--roster',
      UNITS,
      '--groups',
      GROUPS,
      '--office',
      OFFICE,
      '--task-queue',
      h.taskQueue,
      '--calendar',
      'continuous',
    ]);
    expect(scheduled).toMatchObject({ code: 0 });
    expect(scheduled.stdout).toContain(`已创建摘要计划 ${digestScheduleId(campaign)}`);
    expect(h.mailbox.messages().filter((m) => m.subject?.includes('每日逾期清单'))).toEqual([]);

    const now = await runCliToEnd(['digest', 'now', '--campaign', campaign]);
    expect(now).toMatchObject({ code: 0, stderr: '' });
    expect(now.stdout.trim()).toBe('已触发本次摘要');

    // One email per member, so a retry can tell who already has it (delivery log, issue 5).
    const digests = await eventually(
      () => {
        const d = h.mailbox.messages().filter((m) => m.subject?.includes('每日逾期清单'));
        return Promise.resolve(d.length >= 3 ? d : undefined);
      },
      30_000,
      'three daily digests',
    );
    expect(digests).toHaveLength(3);
    const g1s = digests.filter((m) => m.subject?.includes('第一指导检查组'));
    const g2s = digests.filter((m) => m.subject?.includes('第二指导检查组'));
    expect(g1s.map(addresses)).toEqual(
      expect.arrayContaining([['g1-m01@groups.example.cn'], ['g1-m02@groups.example.cn']]),
    );
    expect(g2s.map(addresses)).toEqual([['g2-m01@groups.example.cn']]);
    const g1 = g1s[0]!;
    const g2 = g2s[0]!;
    expect(g1s[1]?.text).toBe(g1.text);
    expect(g1.subject).toMatch(/^【接口测试活动】第一指导检查组每日逾期清单（\d{4}-\d{2}-\d{2}）：2项$/);
    expect(g2.subject).toMatch(/^【接口测试活动】第二指导检查组每日逾期清单（\d{4}-\d{2}-\d{2}）：1项$/);
    expect(g1.text).toContain('青山镇机关：“传达上级精神”');
    expect(g1.text).toContain('白沙镇机关：“传达上级精神”');
    expect(g1.text).not.toContain('东岭镇机关');
    expect(g2.text).toContain('东岭镇机关：“传达上级精神”');
    expect(g2.text).not.toContain('青山镇机关');

    // The same day's digest again (an office member pressing "now" twice): every member already has it.
    const again = await runCliToEnd(['digest', 'now', '--campaign', campaign]);
    expect(again).toMatchObject({ code: 0 });
    const schedule = h.client.schedule.getHandle(digestScheduleId(campaign));
    const second = await eventually(
      async () => (await schedule.describe()).info.recentActions[1]?.action.workflow.workflowId,
      30_000,
      'second digest run',
    );
    const result = (await h.client.workflow.getHandle(second).result()) as CampaignDigestResult;
    expect(result.sent.daily).toBe(0);
    expect(h.mailbox.messages().filter((m) => m.subject?.includes('每日逾期清单'))).toHaveLength(3);
  });

  it('fails with status 1 for a campaign that has no digest schedule', async () => {
    const campaign = uniqueName('none');
    const r = await runCliToEnd(['digest', 'now', '--campaign', campaign]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('已触发本次摘要');
    expect(r.stderr).toContain(`活动 ${campaign} 还没有摘要计划：请先运行 campaign digest schedule`);
  });
});
