import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../toolchain/paths.js';
import { deliverableDeadlineWorkflow } from '../../workflows/deliverable-deadline.js';
import { unitWorkflowId } from '../../workflows/ids.js';
import { workflowBundlePath } from '../../worker/bundle.js';
import { connectToDevServer } from '../support/dev-server-connection.js';
import { startMailbox, type Mailbox } from '../support/mailbox.js';
import { uniqueName } from '../support/unique.js';

// The production path as an operator runs it: `npm run bundle`, then `npm run worker` configured
// only by environment variables, running the prebundled workflow code.
describe('production worker (worker/main.ts)', () => {
  let temporal: Awaited<ReturnType<typeof connectToDevServer>>;
  let mailbox: Mailbox;
  let worker: ChildProcess;
  let output = '';
  const taskQueue = uniqueName('prod');

  beforeAll(async () => {
    [temporal, mailbox] = await Promise.all([connectToDevServer(), startMailbox()]);
    const bundled = spawnSync(process.execPath, ['--import', 'tsx', 'worker/bundle.ts'], { cwd: repoRoot, encoding: 'utf8' });
    expect(bundled.status, bundled.stderr).toBe(0);
    expect(existsSync(workflowBundlePath)).toBe(true);
    worker = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        CAMPAIGN_TASK_QUEUE: taskQueue,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(mailbox.port),
        SMTP_REQUIRE_TLS: 'false',
        NOTIFY_SQLITE_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'prod-worker-')), 'notify.sqlite'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    worker.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    // Deadlines below are seconds away: start the clock only once the worker polls, or a slow start
    // would (rightly) skip a reminder whose deadline already passed.
    const deadline = Date.now() + 90_000;
    while (!output.includes('工作者已启动') && worker.exitCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain('工作者已启动');
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGINT');
      await exited;
    }
    await mailbox?.close();
    await temporal?.close();
  });

  it('runs the bundled workflows and sends mail through the configured SMTP server', async () => {
    const campaignId = uniqueName('c');
    await temporal.client.workflow.start(deliverableDeadlineWorkflow, {
      taskQueue,
      workflowId: unitWorkflowId(campaignId, 'u1'),
      args: [
        {
          campaignId,
          unit: {
            id: 'u1',
            name: '包河区烟墩街道机关',
            liaison: { id: 'l1', name: '周联络', email: 'liaison@yandun.example.cn' },
            head: { id: 'h1', name: '吴书记', email: 'head@yandun.example.cn' },
            supervisors: [],
          },
          task: { id: 'plan', title: '制定实施方案', dueAt: new Date(Date.now() + 6_000).toISOString() },
          remindBeforeMs: 3_000,
          escalateAfterMs: 500,
          timeZone: 'Asia/Shanghai',
        },
      ],
    });
    const mails = await mailbox.waitFor(2, 90_000).catch((e: Error) => {
      throw new Error(`${e.message}\nworker output:\n${output}`);
    });
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^【提醒】包河区烟墩街道机关「制定实施方案」/),
      '【催办】包河区烟墩街道机关「制定实施方案」已逾期',
    ]);
    expect(output).toContain(`工作者已启动：${inject('temporalAddress')}，任务队列 ${taskQueue}`);
  });

  it('refuses to start with a configuration error that names the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), SMTP_HOST: '', SMTP_PORT: 'abc' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('SMTP_PORT');
  });
});
