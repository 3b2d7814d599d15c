/**
 * One mail per person across units (issue 16), through Temporal: two unit workflows' 督办 to the
 * same 指导组 member, due at one instant, run as two `deliverNotifications` activities on one
 * worker and arrive as ONE mail listing both units; each unit's report carries that mail's id.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities/index.js';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { type Mailer } from '../../../activities/notify/mailer.js';
import { loadTemplates } from '../../../activities/notify/templates.js';
import type { DeliverNotificationInput } from '../../../activities/notify/types.js';
import { repoRoot } from '../../../toolchain/paths.js';
import { connectToDevServer } from '../../support/dev-server-connection.js';
import { startMailbox, type Mailbox, loopbackMailer } from '../../support/mailbox.js';
import { uniqueName } from '../../support/unique.js';
import { deliverNotificationsWorkflow } from '../../support/workflows/deliver-notifications.js';
import { SAMPLE_FACTS } from '../../unit/notify/support/sample-facts.js';

const MEMBER = 'wangqiang@zhidao.example.cn';

function supervise(campaign: string, unit: string, unitName: string): DeliverNotificationInput {
  return {
    notificationId: `campaign/${campaign}/unit/${unit}/task/rectification_plan/v1/escalation/L3/0`,
    event: 'supervise',
    facts: { ...SAMPLE_FACTS.supervise, unit: unitName },
    recipients: [
      { role: 'group', name: '王强', email: MEMBER },
      { role: 'head', name: `${unitName}书记`, email: `head-${unit}@units.example.cn` },
    ],
    channels: ['email'],
    ignoreQuietHours: true,
  };
}

describe('two units’ escalations to one 指导组 member at one instant', () => {
  let temporal: Awaited<ReturnType<typeof connectToDevServer>>;
  let mailbox: Mailbox;
  let mailer: Mailer;
  let worker: Worker;
  let running: Promise<void>;
  const queue = uniqueName('bundle');
  const deliveryLog = openSqliteDeliveryLog(':memory:');

  beforeAll(async () => {
    [temporal, mailbox] = await Promise.all([connectToDevServer(), startMailbox()]);
    mailer = loopbackMailer(mailbox.port);
    worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue: queue,
      workflowsPath: path.join(repoRoot, 'test/support/workflows/deliver-notifications.ts'),
      activities: createActivities({
        notify: {
          templates: loadTemplates(path.join(repoRoot, 'templates', 'notify')),
          deliveryLog,
          mailer,
          settings: {
            officeName: '区学习实践活动办公室',
            mailFrom: '区学习实践活动办公室 <office@xuexi.example.gov.cn>',
            officeHours: { start: '00:00', end: '23:59', zone: 'Asia/Shanghai' },
            quietChannels: [],
            claimLeaseMs: 12_000,
            // Wide enough that two workflows started together always meet in it.
            bundleWindowMs: 5_000,
          },
        },
      }),
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    mailer?.close();
    await deliveryLog.close();
    await mailbox?.close();
    await temporal?.close();
  });

  it('arrive as one mail listing both; each unit head gets their own', async () => {
    const campaign = uniqueName('c');
    const run = (unit: string, name: string) =>
      temporal.client.workflow.execute(deliverNotificationsWorkflow, {
        taskQueue: queue,
        workflowId: uniqueName(`bundle-${unit}`),
        args: [
          {
            inputs: [supervise(campaign, unit, name)],
            activityTaskQueue: queue,
            heartbeatTimeoutMs: 10_000,
            startToCloseTimeoutMs: 60_000,
          },
        ],
      });
    const [a, b] = await Promise.all([run('U01', '城关镇东街社区'), run('U02', '城关镇西街社区')]);
    const mails = await mailbox.waitFor(3, 30_000);
    const toMember = mails.filter((m) => JSON.stringify(m.to).includes(MEMBER));
    expect(toMember).toHaveLength(1);
    expect(toMember[0]?.subject).toBe('学习实践活动提醒：您有 2 项通知（督办 2 项）');
    expect(toMember[0]?.text).toContain('【城关镇东街社区】');
    expect(toMember[0]?.text).toContain('【城关镇西街社区】');
    const memberResult = (r: typeof a) => r[0]?.report?.results.find((x) => x.role === 'group');
    expect(memberResult(a)?.providerMessageId).toBe(toMember[0]?.messageId);
    expect(memberResult(b)?.providerMessageId).toBe(toMember[0]?.messageId);
    expect(mails).toHaveLength(3);
    for (const key of [memberResult(a)?.deliveryKey, memberResult(b)?.deliveryKey])
      expect((await deliveryLog.get(key ?? ''))?.status).toBe('sent');
  });
});
