import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import type { Worker } from '@temporalio/worker';
import { createCampaignWorker } from '../../worker/create-worker.js';
import { deliverableDeadlineWorkflow, submitDeliverableUpdate } from '../../workflows/deliverable-deadline.js';
import { unitWorkflowId } from '../../workflows/ids.js';
import { customSearchAttributes } from '../../workflows/search-attributes.js';
import { startMailbox, type Mailbox } from '../support/mailbox.js';
import { connectToDevServer } from '../support/dev-server-connection.js';
import { uniqueName } from '../support/unique.js';

// The same slice on the real dev server in real time (deadlines of seconds), as the demo runs it.
describe('deliverable deadline on the dev server', () => {
  let temporal: Awaited<ReturnType<typeof connectToDevServer>>;
  let mailbox: Mailbox;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueName('deadline-int');

  beforeAll(async () => {
    [temporal, mailbox] = await Promise.all([connectToDevServer(), startMailbox()]);
    worker = await createCampaignWorker({
      connection: temporal.nativeConnection,
      taskQueue,
      deps: {
        transport: nodemailer.createTransport({ host: '127.0.0.1', port: mailbox.port, secure: false, ignoreTLS: true }),
        from: '学习实践活动办公室 <office@campaign.example.cn>',
      },
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await mailbox?.close();
    await temporal?.close();
  });

  it('registers the custom search attributes on the namespace', async () => {
    const response = await temporal.client.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    for (const name of Object.keys(customSearchAttributes)) {
      expect(Object.keys(response.customAttributes ?? {})).toContain(name);
    }
  });

  it('sends the reminder and then the escalation in real time', async () => {
    const campaignId = uniqueName('c');
    const handle = await temporal.client.workflow.start(deliverableDeadlineWorkflow, {
      taskQueue,
      workflowId: unitWorkflowId(campaignId, 'u1'),
      args: [
        {
          campaignId,
          unit: {
            id: 'u1',
            name: '望湖街道机关',
            liaison: { id: 'l1', name: '赵联络', email: 'liaison@wanghu.example.cn' },
            head: { id: 'h1', name: '钱书记', email: 'head@wanghu.example.cn' },
            supervisors: [{ id: 's1', name: '孙组长', email: 'group1@office.example.cn' }],
          },
          // Room for a slow first workflow task on a loaded machine: a reminder whose deadline has
          // already passed is skipped by design, which would look like a lost mail here.
          task: { id: 'plan', title: '制定实施方案', dueAt: new Date(Date.now() + 6_000).toISOString() },
          remindBeforeMs: 5_000,
          escalateAfterMs: 500,
          timeZone: 'Asia/Shanghai',
        },
      ],
    });
    const mails = await mailbox.waitFor(2, 20_000);
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^【提醒】望湖街道机关「制定实施方案」将于/),
      '【催办】望湖街道机关「制定实施方案」已逾期',
    ]);
    await handle.executeUpdate(submitDeliverableUpdate, {
      args: [{ taskId: 'plan', submittedBy: 'l1', summary: '补交', fileRefs: [] }],
    });
    await expect(handle.result()).resolves.toMatchObject({ late: true });
  });
});
