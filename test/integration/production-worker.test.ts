import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchCampaign } from '../../app/launch.js';
import { repoRoot } from '../../toolchain/paths.js';
import { workflowBundlePath } from '../../worker/bundle.js';
import { FIXTURES, GROUPS, PLAN } from './cli/harness.js';
import { connectToDevServer } from '../support/dev-server-connection.js';
import { startMailbox, type Mailbox } from '../support/mailbox.js';
import { uniqueName } from '../support/unique.js';

// The production path as an operator runs it: `npm run bundle`, then `npm run worker` configured
// only by environment variables, running the prebundled unit campaign workflow on a small plan
// (test/integration/cli/fixtures/ifc_test.yaml: 传达上级精神 is due 2 s after the start, reminded
// 1 s before, 催办 1 s after).
describe('production worker (worker/main.ts)', () => {
  let temporal: Awaited<ReturnType<typeof connectToDevServer>>;
  let mailbox: Mailbox;
  let worker: ChildProcess;
  let output = '';
  const taskQueue = uniqueName('prod');
  const tmp = mkdtempSync(path.join(tmpdir(), 'prod-worker-'));

  beforeAll(async () => {
    [temporal, mailbox] = await Promise.all([connectToDevServer(), startMailbox()]);
    const bundled = spawnSync(process.execPath, ['--import', 'tsx', 'worker/bundle.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
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
        NOTIFY_SQLITE_PATH: path.join(tmp, 'notify.sqlite'),
        // The plan's reminder is 1 s before a deadline seconds away: a bundle window of the default
        // 3 s would hold it past the deadline, so the window is scaled down with the plan.
        NOTIFY_BUNDLE_WINDOW_MS: '200',
        CAMPAIGN_PLANS_DIR: FIXTURES,
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

  it('runs the bundled unit workflow and sends mail through the configured SMTP server', async () => {
    const campaignId = uniqueName('c');
    const roster = path.join(tmp, 'units.csv');
    writeFileSync(
      roster,
      [
        '单位编号,单位名称,单位类型,标记,第一责任人,第一责任人邮箱,第一责任人手机,联络员,联络员邮箱,联络员手机,指导组,结对单位,结对单位邮箱',
        'T01,包河区烟墩街道机关,镇机关,,吴书记,head@yandun.example.cn,13800001001,周联络,liaison@yandun.example.cn,13800002001,G1,,',
      ].join('\n'),
    );
    // A few seconds ahead, so a slow first workflow task cannot (rightly) skip the 1 s reminder.
    const start = new Date(Date.now() + 3_000).toISOString();
    const launched = await launchCampaign(temporal.client, {
      planPath: PLAN,
      rosterPath: roster,
      groupsPath: GROUPS,
      campaignId,
      start,
      taskQueue,
    });
    expect(launched.ok, JSON.stringify(launched)).toBe(true);
    // Subject and text: notifications due together for one person arrive as one mail listing
    // each item's own subject (activities/notify/bundle.ts).
    const subjects = () => mailbox.messages().map((m) => `${m.subject ?? ''}\n${m.text ?? ''}`);
    const deadline = Date.now() + 90_000;
    const wanted = [/【接口测试活动】提醒：传达上级精神将于/, /【接口测试活动】催办：传达上级精神已逾期/];
    while (!wanted.every((re) => subjects().some((s) => re.test(s))) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const re of wanted)
      expect(subjects(), `worker output:\n${output}`).toContainEqual(expect.stringMatching(re));
    const reminders = mailbox
      .messages()
      .filter((m) => wanted[0]!.test(`${m.subject ?? ''}\n${m.text ?? ''}`));
    expect(
      reminders.map((m) =>
        (Array.isArray(m.to) ? m.to : [m.to]).flatMap((a) => a?.value.map((v) => v.address) ?? []),
      ),
    ).toEqual([['liaison@yandun.example.cn']]);
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
