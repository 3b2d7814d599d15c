/**
 * `campaign digest schedule` then `campaign digest now`, run as the office runs them (separate
 * processes) for a small live campaign: each 指导组 gets its daily overdue list on the loopback
 * SMTP server, addressed to its members, listing its own units' overdue items only.
 */
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../../client/commands/campaign/launch.js';
import { loadOfficeFile } from '../../../client/commands/campaign/people.js';
import { digestScheduleId } from '../../../workflows/digest/messages.js';
import { uniqueName } from '../../support/unique.js';
import { FIXTURES, GROUPS, PLAN, UNITS, eventually, startHarness, type Harness } from './harness.js';
import { runCliToEnd } from './spawn-cli.js';

const OFFICE = path.join(FIXTURES, 'office.yaml');
let h: Harness;
let campaign: string;

beforeAll(async () => {
  h = await startHarness();
  campaign = uniqueName('digest');
  const office = await loadOfficeFile(OFFICE);
  if (!office.ok) throw new Error(office.errors.join());
  const r = await launchCampaign(h.client, { planPath: PLAN, rosterPath: UNITS, groupsPath: GROUPS, campaignId: campaign, start: new Date().toISOString(), taskQueue: h.taskQueue, office: office.office });
  if (!r.ok || r.started !== 3) throw new Error(`launch failed: ${JSON.stringify(r)}`);
  // convey_spirit is due 2 s after the start: every unit soon has an overdue item.
  await eventually(async () => ((await h.client.workflow.count(`CampaignId = '${campaign}' AND OverdueCount > 0`)).count === 3 ? true : undefined), 30_000, 'overdue attributes');
});
afterAll(async () => {
  await h?.client.schedule.getHandle(digestScheduleId(campaign)).delete().catch(() => undefined);
  await h?.close();
});

const addresses = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : [m.to]).flatMap((a) => a?.value ?? []).map((a) => a.address).sort();

describe('campaign digest now', () => {
  it('sends each 指导组 its overdue list at once', async () => {
    // A continuous calendar makes today a working day whatever the date the test runs on.
    const scheduled = await runCliToEnd(['digest', 'schedule', '--campaign', campaign, '--plan', PLAN, '--roster', UNITS, '--groups', GROUPS, '--office', OFFICE, '--task-queue', h.taskQueue, '--calendar', 'continuous']);
    expect(scheduled).toMatchObject({ code: 0 });
    expect(scheduled.stdout).toContain(`已创建摘要计划 ${digestScheduleId(campaign)}`);
    expect(h.mailbox.messages().filter((m) => m.subject?.includes('每日逾期清单'))).toEqual([]);

    const now = await runCliToEnd(['digest', 'now', '--campaign', campaign]);
    expect(now).toMatchObject({ code: 0, stderr: '' });
    expect(now.stdout.trim()).toBe('已触发本次摘要');

    const digests = await eventually(() => {
      const d = h.mailbox.messages().filter((m) => m.subject?.includes('每日逾期清单'));
      return Promise.resolve(d.length >= 2 ? d : undefined);
    }, 30_000, 'two daily digests');
    expect(digests).toHaveLength(2);
    const g1 = digests.find((m) => m.subject?.includes('第一指导检查组'))!;
    const g2 = digests.find((m) => m.subject?.includes('第二指导检查组'))!;
    expect(g1.subject).toMatch(/^【接口测试活动】第一指导检查组每日逾期清单（\d{4}-\d{2}-\d{2}）：2项$/);
    expect(g2.subject).toMatch(/^【接口测试活动】第二指导检查组每日逾期清单（\d{4}-\d{2}-\d{2}）：1项$/);
    expect(addresses(g1)).toEqual(['g1-m01@groups.example.cn', 'g1-m02@groups.example.cn']);
    expect(addresses(g2)).toEqual(['g2-m01@groups.example.cn']);
    expect(g1.text).toContain('青山镇机关：“传达上级精神”');
    expect(g1.text).toContain('白沙镇机关：“传达上级精神”');
    expect(g1.text).not.toContain('东岭镇机关');
    expect(g2.text).toContain('东岭镇机关：“传达上级精神”');
    expect(g2.text).not.toContain('青山镇机关');
  });

  it('fails with status 1 for a campaign that has no digest schedule', async () => {
    const campaign = uniqueName('none');
    const r = await runCliToEnd(['digest', 'now', '--campaign', campaign]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('已触发本次摘要');
    expect(r.stderr).toContain(`活动 ${campaign} 还没有摘要计划：请先运行 campaign digest schedule`);
  });
});
