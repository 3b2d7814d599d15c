/**
 * "A retried activity after a crash between send and record sends once" (issue 5), with a real
 * crash: worker process A is SIGKILLed after every provider accepted its message and before the
 * delivery log recorded any of them; Temporal notices, retries the activity on worker process B,
 * which finds the dead attempt's claims and settles them instead of sending again.
 *
 * The workflow runs in this process; the activity runs in the spawned workers, as
 * test/support/notify-crash-worker.ts explains. Timings are printed for the record.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { openSqliteDeliveryLog } from '../../activities/notify/log/sqlite-delivery-log.js';
import { smsOutId } from '../../activities/notify/sms/sms-sender.js';
import type { DeliverNotificationInput } from '../../activities/notify/types.js';
import { repoRoot } from '../../toolchain/paths.js';
import { startAliyunStandIn } from '../unit/notify/support/aliyun-stand-in.js';
import { startHttpReceiver, type HttpReceiver } from '../unit/notify/support/http-receiver.js';
import { SAMPLE_FACTS } from '../unit/notify/support/sample-facts.js';
import { connectToDevServer } from '../support/dev-server-connection.js';
import { startMailbox, type Mailbox } from '../support/mailbox.js';
import { uniqueName } from '../support/unique.js';
import { deliverNotificationsWorkflow } from '../support/workflows/deliver-notifications.js';

const MOBILE = '13812345678';
// Production: lease 12 s ≤ heartbeat timeout 10 s + first retry interval 2 s, so the first retry
// after a crash (usually) finds the claim stale. The same relation, scaled down: 4 s < 2 s + 5 s.
const CLAIM_LEASE_MS = 4_000;
const HEARTBEAT_TIMEOUT_MS = 2_000;
const BUNDLE_WINDOW_MS = 500;

interface WorkerEvent {
  ev: 'ready' | 'attempt' | 'done' | 'failed' | 'killing';
  at: number;
  pid: number;
  attempt?: number;
  ms?: number;
  error?: string;
}

interface SpawnedWorker {
  child: ChildProcess;
  events: WorkerEvent[];
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const spawned: SpawnedWorker[] = [];

function spawnWorker(env: NodeJS.ProcessEnv): SpawnedWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/notify-crash-worker.ts'], {
    cwd: repoRoot,
    env: { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WorkerEvent[] = [];
  let text = '';
  let partial = '';
  child.stdout?.on('data', (c: Buffer) => {
    text += c.toString('utf8');
    partial += c.toString('utf8');
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{"ev"')) events.push(JSON.parse(line) as WorkerEvent);
  });
  child.stderr?.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const w = { child, events, output: () => text, exited };
  spawned.push(w);
  return w;
}

async function stopWorker(w: SpawnedWorker): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  w.child.kill('SIGTERM');
  const timer = setTimeout(() => w.child.kill('SIGKILL'), 10_000);
  await w.exited;
  clearTimeout(timer);
}

async function within<T>(
  what: string,
  ms: number,
  p: Promise<T>,
  context: () => string = () => '',
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms\n${context()}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(what: string, ms: number, check: () => boolean, context: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms\n${context()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a worker killed between the provider accepting and the delivery log recording', () => {
  let temporal: Awaited<ReturnType<typeof connectToDevServer>>;
  let mailbox: Mailbox;
  let workflowWorker: Worker;
  let running: Promise<void>;
  const workflowQueue = uniqueName('crash-wf');
  const dirs: string[] = [];
  const receivers: HttpReceiver[] = [];

  beforeAll(async () => {
    [temporal, mailbox] = await Promise.all([connectToDevServer(), startMailbox()]);
    workflowWorker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue: workflowQueue,
      workflowsPath: path.join(repoRoot, 'test/support/workflows/deliver-notifications.ts'),
    });
    running = workflowWorker.run();
  });

  afterAll(async () => {
    await Promise.allSettled(spawned.map(stopWorker));
    workflowWorker?.shutdown();
    await running;
    await Promise.allSettled(receivers.map((r) => r.close()));
    await mailbox?.close();
    await temporal?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /**
   * Runs one crash: A sends everything and dies before recording; B picks up Temporal's retry.
   * Returns what the log holds afterwards and the measured times.
   */
  async function crashAndRetry(smsEnv: NodeJS.ProcessEnv, notificationId: string) {
    const dir = mkdtempSync(path.join(tmpdir(), 'notify-crash-'));
    dirs.push(dir);
    const sqlitePath = path.join(dir, 'notify.sqlite');
    const activityQueue = uniqueName('crash-act');
    const env: NodeJS.ProcessEnv = {
      CRASH_TASK_QUEUE: activityQueue,
      CRASH_CLAIM_LEASE_MS: String(CLAIM_LEASE_MS),
      // One mail per person stays on (activities/notify/bundle.ts), its window scaled down with the
      // rest: shorter than the 2 s heartbeat timeout, as 3 s is shorter than production's 10 s.
      NOTIFY_BUNDLE_WINDOW_MS: String(BUNDLE_WINDOW_MS),
      NOTIFY_SQLITE_PATH: sqlitePath,
      NOTIFY_OFFICE_NAME: '区学习实践活动办公室',
      NOTIFY_MAIL_FROM: '区学习实践活动办公室 <office@xuexi.example.gov.cn>',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(mailbox.port),
      SMTP_REQUIRE_TLS: 'false',
      ...smsEnv,
    };
    const input: DeliverNotificationInput = {
      notificationId,
      event: 'reminder',
      facts: SAMPLE_FACTS.reminder,
      recipients: [
        {
          role: 'liaison',
          name: '张明',
          email: `liaison-${notificationId.slice(-8)}@dongjie.example.cn`,
          mobile: MOBILE,
        },
        { role: 'head', name: '李书记', email: `head-${notificationId.slice(-8)}@dongjie.example.cn` },
      ],
      channels: ['email', 'sms'],
      // The test runs at any hour; quiet hours have their own tests.
      ignoreQuietHours: true,
    };
    const deliveries = 3;

    const a = spawnWorker({ ...env, CRASH_KILL_AT_SENT: String(deliveries) });
    let b: SpawnedWorker | undefined;
    try {
      await until('worker A ready', 30_000, () => a.events.some((e) => e.ev === 'ready'), a.output);
      const started = Date.now();
      const handle = await temporal.client.workflow.start(deliverNotificationsWorkflow, {
        taskQueue: workflowQueue,
        workflowId: uniqueName('crash'),
        args: [
          {
            inputs: [input],
            activityTaskQueue: activityQueue,
            heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
            startToCloseTimeoutMs: 20_000,
          },
        ],
      });
      const death = await within('worker A killed mid-send', 20_000, a.exited, a.output);
      expect(death.signal).toBe('SIGKILL');
      expect(a.events.filter((e) => e.ev === 'killing')).toHaveLength(1);

      b = spawnWorker(env);
      const bw = b;
      const results = await within(
        'workflow completes on worker B',
        40_000,
        handle.result(),
        () => `A:\n${a.output()}\nB:\n${bw.output()}`,
      );
      const finished = Date.now();
      await stopWorker(b);
      expect((await b.exited).code, b.output()).toBe(0);

      const retries = b.events.filter((e) => e.ev === 'attempt');
      const done = b.events.find((e) => e.ev === 'done');
      const timing = {
        killAfterStartMs: death.at - started,
        retryAfterKillMs: (retries[0]?.at ?? NaN) - death.at,
        settleMs: done?.ms ?? NaN,
        killToCompletionMs: finished - death.at,
        attemptsOnB: retries.map((e) => e.attempt),
      };
      expect(a.events.filter((e) => e.ev === 'attempt').map((e) => e.attempt)).toEqual([1]);
      expect(retries[0]?.attempt).toBe(2);
      console.log(`[notify-worker-crash] ${notificationId}: ${JSON.stringify(timing)}`);

      const log = openSqliteDeliveryLog(sqlitePath);
      try {
        // The head has no mobile: a 'no_contact' result, no delivery.
        const delivered = (results[0]?.report?.results ?? []).filter((r) => r.outcome !== 'no_contact');
        const records = await Promise.all(delivered.map((r) => log.get(r.deliveryKey)));
        const attempts = await Promise.all(delivered.map((r) => log.attempts(r.deliveryKey)));
        return {
          delivered,
          records,
          attempts,
          problems: await log.problems({ notificationIdPrefix: notificationId }),
          timing,
        };
      } finally {
        await log.close();
      }
    } finally {
      await stopWorker(a);
      if (b) await stopWorker(b);
    }
  }

  it('email and a plain HTTP SMS gateway: each sent once, and recorded uncertain for the office', async () => {
    const gateway = await startHttpReceiver(() => ({ json: { ok: true, id: 'g-1' } }));
    receivers.push(gateway);
    const id = uniqueName('campaign/c1/unit/u7/task/report/reminder/T-1');
    const mailBefore = mailbox.messages().length;
    const run = await crashAndRetry({ SMS_PROVIDER: 'http', SMS_HTTP_URL: `${gateway.url}/send` }, id);

    const mails = mailbox
      .messages()
      .slice(mailBefore)
      .filter((m) => m.headers.get('x-campaign-notification') === id);
    expect(
      mails.map((m) => (m.to && !Array.isArray(m.to) ? m.to.value[0]?.address : undefined)).sort(),
    ).toEqual([`head-${id.slice(-8)}@dongjie.example.cn`, `liaison-${id.slice(-8)}@dongjie.example.cn`]);
    expect(gateway.requests()).toHaveLength(1);

    expect(run.delivered.map((r) => [r.channel, r.role, r.outcome]).sort()).toEqual([
      ['email', 'head', 'uncertain'],
      ['email', 'liaison', 'uncertain'],
      ['sms', 'liaison', 'uncertain'],
    ]);
    expect(run.records.map((r) => r?.status)).toEqual(['uncertain', 'uncertain', 'uncertain']);
    for (const a of run.attempts)
      expect(a.map((x) => x.outcome).slice(0, 2)).toEqual(['claimed', 'took_over']);
    expect(run.problems.map((p) => [p.channel, p.recipientName, p.status, p.errorCode]).sort()).toEqual([
      ['email', '张明', 'uncertain', 'uncertain_after_crash'],
      ['email', '李书记', 'uncertain', 'uncertain_after_crash'],
      ['sms', '张明', 'uncertain', 'uncertain_after_crash'],
    ]);
    expect(run.problems.find((p) => p.channel === 'email')?.errorReason).toContain(
      '邮件发送过程中工作进程中断',
    );
  });

  it('Aliyun SMS: the retry finds the message with QuerySendDetails and records it sent; the email is uncertain', async () => {
    const aliyun = await startAliyunStandIn({ secret: 'ak-secret' });
    receivers.push(aliyun.receiver);
    const id = uniqueName('campaign/c1/unit/u8/task/report/reminder/T-1');
    const mailBefore = mailbox.messages().length;
    const run = await crashAndRetry(
      {
        SMS_PROVIDER: 'aliyun',
        ALIYUN_SMS_ENDPOINT: `${aliyun.receiver.url}/`,
        ALIYUN_SMS_ACCESS_KEY_ID: 'ak-id',
        ALIYUN_SMS_ACCESS_KEY_SECRET: 'ak-secret',
        ALIYUN_SMS_SIGN_NAME: '区活动办',
      },
      id,
    );

    const mails = mailbox
      .messages()
      .slice(mailBefore)
      .filter((m) => m.headers.get('x-campaign-notification') === id);
    expect(mails).toHaveLength(2);
    expect(aliyun.sends()).toHaveLength(1);
    expect(aliyun.queries().length).toBeGreaterThanOrEqual(1);
    expect(aliyun.queries()[0]).toMatchObject({ PhoneNumber: MOBILE });

    const smsIndex = run.delivered.findIndex((r) => r.channel === 'sms');
    // QuerySendDetails lists OutId, not BizId: found by the id the dead attempt sent it with.
    expect(run.delivered[smsIndex]).toMatchObject({ outcome: 'already_sent' });
    expect(aliyun.sends()[0]?.OutId).toBe(smsOutId(run.delivered[smsIndex]?.deliveryKey ?? ''));
    expect(run.records[smsIndex]).toMatchObject({ status: 'sent' });
    expect(run.attempts[smsIndex]?.map((x) => x.outcome)).toEqual(['claimed', 'took_over', 'sent']);
    expect(run.problems.map((p) => [p.channel, p.status]).sort()).toEqual([
      ['email', 'uncertain'],
      ['email', 'uncertain'],
    ]);
  });
});
