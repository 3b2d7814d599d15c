/**
 * `npm start`: the whole stack on this machine — Temporal dev server (state kept in .data/), a
 * loopback mailbox with a web page, the worker — and a small campaign with deadlines of seconds,
 * so a newcomer sees reminders and escalations arrive. Ctrl-C stops everything; running it again
 * resumes the same workflows.
 */
import path from 'node:path';
import nodemailer from 'nodemailer';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../toolchain/dev-server.js';
import { startMailbox } from '../toolchain/mailbox.js';
import { startMailPage } from '../toolchain/mail-page.js';
import { dataDir } from '../toolchain/paths.js';
import { createCampaignWorker } from '../worker/create-worker.js';
import { deliverableDeadlineWorkflow, submitDeliverableUpdate } from '../workflows/deliverable-deadline.js';
import { unitWorkflowId } from '../workflows/ids.js';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const TASK_QUEUE = 'campaign-demo';
const CAMPAIGN_ID = 'demo-2009-batch3';

const demoUnits = [
  { id: 'dawei-town', name: '大圩镇机关', submitsAfterMs: 6_000 },
  { id: 'wanghu-street', name: '望湖街道机关', submitsAfterMs: undefined },
  { id: 'yanhe-village', name: '沿河村党总支', submitsAfterMs: undefined },
];

const log = (line: string) =>
  console.log(`${new Date().toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })}  ${line}`);

async function main(): Promise<void> {
  // The SDK's info logs (bundling, worker state) would drown what the demo is there to show.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cleanups: (() => Promise<void>)[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('正在停止……');
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const external = process.env.TEMPORAL_ADDRESS;
    let server: DevServer | undefined;
    if (!external) {
      log('启动 Temporal 开发服务器（首次运行需先构建，约 3–6 分钟）……');
      server = await startDevServer({
        port: port('TEMPORAL_PORT', 7233),
        uiPort: port('TEMPORAL_UI_PORT', 8233),
        dbFile: path.join(dataDir, 'temporal.sqlite'),
      });
      cleanups.push(() => server!.stop());
    }
    const address = external ?? server!.address;

    const mailbox = await startMailbox({ port: port('DEMO_SMTP_PORT', 2525) });
    cleanups.push(() => mailbox.close());
    const mailPage = await startMailPage(mailbox, port('DEMO_MAIL_PAGE_PORT', 8025));
    cleanups.push(() => mailPage.close());
    mailbox.onMessage((mail) => {
      const to = mail.to && !Array.isArray(mail.to) ? mail.to.text : '';
      log(`收到邮件 → ${to}：${mail.subject ?? ''}`);
    });

    const nativeConnection = await NativeConnection.connect({ address });
    cleanups.push(() => nativeConnection.close());
    const worker = await createCampaignWorker({
      connection: nativeConnection,
      taskQueue: TASK_QUEUE,
      deps: {
        transport: nodemailer.createTransport({ host: '127.0.0.1', port: mailbox.port, secure: false, ignoreTLS: true }),
        from: '学习实践活动办公室 <office@campaign.example.cn>',
        replyTo: 'office@campaign.example.cn',
      },
    });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
    });

    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection });

    console.log('');
    console.log('演示已就绪：');
    if (server?.uiUrl) console.log(`  Temporal 控制台：${server.uiUrl}/namespaces/default/workflows`);
    console.log(`  演示邮箱：      ${mailPage.url}`);
    console.log('  按 Ctrl-C 停止；再次运行 npm start 会从上次的状态继续。');
    console.log('');

    const now = Date.now();
    for (const unit of demoUnits) {
      const workflowId = unitWorkflowId(CAMPAIGN_ID, unit.id);
      try {
        const handle = await client.workflow.start(deliverableDeadlineWorkflow, {
          taskQueue: TASK_QUEUE,
          workflowId,
          // A unit that already finished in an earlier run stays finished.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [
            {
              campaignId: CAMPAIGN_ID,
              unit: {
                id: unit.id,
                name: unit.name,
                liaison: { id: `${unit.id}-liaison`, name: '联络员', email: `liaison@${unit.id}.example.cn` },
                head: { id: `${unit.id}-head`, name: '第一责任人', email: `head@${unit.id}.example.cn` },
                supervisors: [{ id: 'group-1', name: '第一指导组', email: 'group1@office.example.cn' }],
              },
              task: { id: 'plan', title: '制定实施方案', dueAt: new Date(now + 15_000).toISOString() },
              remindBeforeMs: 10_000,
              escalateAfterMs: 5_000,
              timeZone: 'Asia/Shanghai',
            },
          ],
        });
        log(`已启动 ${unit.name}：「制定实施方案」15 秒后到期`);
        if (unit.submitsAfterMs !== undefined) {
          setTimeout(() => {
            handle
              .executeUpdate(submitDeliverableUpdate, {
                args: [{ taskId: 'plan', submittedBy: `${unit.id}-liaison`, summary: '实施方案已报指导组审查', fileRefs: [] }],
              })
              .then(() => log(`${unit.name} 已按时提交「制定实施方案」`))
              .catch((err: Error) => log(`${unit.name} 提交失败：${err.message}`));
          }, unit.submitsAfterMs);
        }
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        log(`${unit.name} 已在运行（沿用上次的状态）`);
      }
    }
    await running;
  } catch (err) {
    console.error(`演示启动失败：${err instanceof Error ? err.message : String(err)}`);
    await stop(1);
  }
}

await main();
