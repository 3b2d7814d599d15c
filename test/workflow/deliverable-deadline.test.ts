import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createCampaignWorker } from '../../worker/create-worker.js';
import {
  deliverableDeadlineWorkflow,
  deliverableStatusQuery,
  submitDeliverableUpdate,
  type DeliverableDeadlineInput,
} from '../../workflows/deliverable-deadline.js';
import { unitWorkflowId } from '../../workflows/ids.js';
import { startMailbox, type Mailbox } from '../support/mailbox.js';
import { createTimeSkippingEnv } from '../support/time-skipping.js';
import { uniqueName } from '../support/unique.js';

const DAY = 24 * 60 * 60 * 1000;

describe('deliverable deadline (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  let mailbox: Mailbox;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueName('deadline');

  beforeAll(async () => {
    [env, mailbox] = await Promise.all([createTimeSkippingEnv(), startMailbox()]);
    worker = await createCampaignWorker({
      connection: env.nativeConnection,
      taskQueue,
      deps: {
        transport: nodemailer.createTransport({ host: '127.0.0.1', port: mailbox.port, secure: false, ignoreTLS: true }),
        from: '学习实践活动办公室 <office@campaign.example.cn>',
        replyTo: 'office@campaign.example.cn',
      },
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await mailbox?.close();
    await env?.teardown();
  });

  // Deadlines are relative to the test server's clock, which earlier tests have skipped ahead.
  async function input(campaignId: string, dueInMs: number): Promise<DeliverableDeadlineInput> {
    const now = await env.currentTimeMs();
    return {
      campaignId,
      unit: {
        id: 'u-dawei',
        name: '大圩镇机关',
        liaison: { id: 'liaison-1', name: '王联络', email: 'liaison@dawei.example.cn' },
        head: { id: 'head-1', name: '李书记', email: 'head@dawei.example.cn' },
        supervisors: [{ id: 'sup-1', name: '张组长', email: 'group3@office.example.cn' }],
      },
      task: {
        id: 'plan',
        title: '制定实施方案',
        dueAt: new Date(now + dueInMs).toISOString(),
      },
      remindBeforeMs: 3 * DAY,
      escalateAfterMs: 1 * DAY,
      timeZone: 'Asia/Shanghai',
    };
  }

  it('crosses a 30-day deadline in seconds: reminder before it, escalation after it', async () => {
    const campaignId = uniqueName('c');
    const wallStart = Date.now();
    const handle = await env.client.workflow.start(deliverableDeadlineWorkflow, {
      taskQueue,
      workflowId: unitWorkflowId(campaignId, 'u-dawei'),
      args: [await input(campaignId, 30 * DAY)],
    });
    const before = mailbox.messages().length;

    await env.sleep('32 days');
    const mails = (await mailbox.waitFor(before + 2)).slice(before);

    const [reminder, escalation] = mails;
    expect(reminder?.subject).toMatch(/^【提醒】大圩镇机关「制定实施方案」将于 .+ 到期$/);
    expect(reminder?.to && 'value' in reminder.to ? reminder.to.value.map((a) => a.address) : []).toEqual([
      'liaison@dawei.example.cn',
    ]);
    expect(reminder?.text).toContain('请按时提交');
    expect(reminder?.messageId).toBe(`<${encodeURIComponent(`${handle.workflowId}/task/plan/reminder`)}@campaign-orchestrator>`);

    expect(escalation?.subject).toBe('【催办】大圩镇机关「制定实施方案」已逾期');
    expect(escalation?.to && 'value' in escalation.to ? escalation.to.value.map((a) => a.address) : []).toEqual([
      'head@dawei.example.cn',
      'group3@office.example.cn',
    ]);
    expect(escalation?.cc && 'value' in escalation.cc ? escalation.cc.value.map((a) => a.address) : []).toEqual([
      'liaison@dawei.example.cn',
    ]);
    expect(escalation?.text).toContain('至今尚未提交');
    expect(escalation?.replyTo?.text).toContain('office@campaign.example.cn');

    const result = await handle.executeUpdate(submitDeliverableUpdate, {
      args: [{ taskId: 'plan', submittedBy: 'liaison-1', summary: '实施方案已报指导组', fileRefs: [] }],
    });
    expect(result).toMatchObject({ state: 'submitted', late: true });
    await expect(handle.result()).resolves.toMatchObject({ state: 'submitted', late: true });
    // 30 days of workflow time in a few seconds of wall time.
    expect(Date.now() - wallStart).toBeLessThan(60_000);
  });

  it('sends nothing more once the deliverable is submitted on time', async () => {
    const campaignId = uniqueName('c');
    const handle = await env.client.workflow.start(deliverableDeadlineWorkflow, {
      taskQueue,
      workflowId: unitWorkflowId(campaignId, 'u-dawei'),
      args: [await input(campaignId, 30 * DAY)],
    });
    const before = mailbox.messages().length;
    await handle.executeUpdate(submitDeliverableUpdate, {
      args: [{ taskId: 'plan', submittedBy: 'head-1', summary: '已完成', fileRefs: [`sha256:${'a'.repeat(64)}`] }],
    });
    await expect(handle.result()).resolves.toMatchObject({ state: 'submitted', late: false, notificationsSent: [] });
    expect(mailbox.messages().length).toBe(before);
  });

  it('rejects a nonsense submission without changing the workflow', async () => {
    const campaignId = uniqueName('c');
    const handle = await env.client.workflow.start(deliverableDeadlineWorkflow, {
      taskQueue,
      workflowId: unitWorkflowId(campaignId, 'u-dawei'),
      args: [await input(campaignId, 30 * DAY)],
    });
    const error = await handle
      .executeUpdate(submitDeliverableUpdate, {
        args: [{ taskId: 'nope', submittedBy: 'stranger', summary: '', fileRefs: ['x'] }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const message = (error as WorkflowUpdateFailedError).cause?.message ?? '';
    expect(message).toContain('taskId：本单位没有任务「nope」');
    expect(message).toContain('submittedBy：「stranger」不是大圩镇机关的联络员或第一责任人');
    expect(message).toContain('summary：请填写简要说明');
    expect(message).toContain('fileRefs[0]：「x」不是文件引用');
    await expect(handle.query(deliverableStatusQuery)).resolves.toMatchObject({ state: 'open' });
    await handle.terminate('test done');
  });
});
