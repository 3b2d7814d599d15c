/**
 * A unit made stuck on purpose, found, shown and repaired. A worker running a test-only bundle (the
 * same workflow type, plus an extra timer on a `testDiverge` signal) drives unit T01 through Updates
 * and mail, then stops; a worker with the project's real code takes over and fails T01's workflow
 * task on every attempt (its history holds a timer the real code never starts). The worker's health
 * monitor finds it (the failed Update marked it suspect; describe confirms), `campaign status`, the
 * unit's status, the board's feed, the notification problems (API and `notify problems`) and the
 * worker's metrics show it as 流程异常; `campaign repair --dry-run` names the reset point and changes
 * nothing; `campaign repair` resets it, and T01 then runs to completion with every notification
 * mailed once.
 */
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { startHealthMonitor } from '../../../app/health/monitor.js';
import type { HealthScanResult } from '../../../app/health/scan.js';
import type { HealthSettings } from '../../../app/health/settings.js';
import { launchCampaign } from '../../../app/launch.js';
import { replayerFor } from '../../../app/repair/replayer.js';
import { runOperation, unitStatus } from '../../../app/unit-operations.js';
import { CampaignFailure } from '../../../domain/failures.js';
import type { DeliveryProblemList } from '../../../client/api/delivery-problems.js';
import { createApiServer } from '../../../client/api/server.js';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { issueTokens } from '../../../client/api/tokens.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import type { UnitHealthList } from '../../../client/api/wire/unit-health.js';
import { runStatus } from '../../../client/commands/campaign.js';
import { runProblems } from '../../../client/commands/notify.js';
import { runRepair, type RepairContext } from '../../../client/commands/repair.js';
import { parseRosterFile } from '../../../domain/roster/parse-file.js';
import { freePort } from '../../../toolchain/ports.js';
import { unitWorkflowId } from '../../../workflows/ids.js';
import type { UnitCampaignResult, UnitCampaignStatus } from '../../../workflows/unit-campaign/messages.js';
import { replayAll } from '../../support/replay.js';
import { uniqueName } from '../../support/unique.js';
import { divergeSignal } from '../../support/workflows/diverging-unit.js';
import { eventually, GROUPS, PLAN, startRig, UNITS, type Rig } from './support.js';

// Stuck after more than one failure: the worker lets repeated failures of a task time out (10 s each).
process.env.CAMPAIGN_STUCK_AFTER_FAILURES = '1';
const SETTINGS: HealthSettings = {
  stuckAfterFailures: 1,
  scanEveryMs: 1000,
  graceMs: 2000,
  lateRecheckMs: 60_000,
  maxChecks: 50,
  concurrency: 4,
};

let metricsPort: number;
let connection: Connection;
let native: NativeConnection;
let client: Client;
let rig: Rig;
let api: FastifyInstance;
let worker: { stop(): Promise<void> } | undefined;
let monitor: { stop(): Promise<void> } | undefined;
const scans: HealthScanResult[] = [];
const taskQueue = uniqueName('repair');
const campaign = uniqueName('rp');
const T01 = unitWorkflowId(campaign, 'T01');
const out: string[] = [];
const take = () => out.splice(0).join('\n');
let bearer: { authorization: string };
/** 审核通过 mails of T01 before it got stuck (one per recipient); the repair must add none. */
let approvedMails = 0;

beforeAll(async () => {
  // The SDK runtime with a Prometheus endpoint, as a production worker exports its metrics.
  metricsPort = await freePort();
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    // The real code failing T01's task is the point here: no warning per failed attempt on the terminal.
    telemetryOptions: {
      logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} },
      metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } },
    },
  });
  const address = inject('temporalAddress');
  [connection, native] = await Promise.all([
    Connection.connect({ address }),
    NativeConnection.connect({ address }),
  ]);
  client = new TemporalClient({ connection });
  rig = await startRig({ connection: native, client, taskQueue });
  const roster = await parseRosterFile(UNITS, { groupsPath: GROUPS, channels: [], skipBadRows: true });
  const office = { name: '区学习实践活动办公室', members: [{ id: 'office', name: '孙主任' }] };
  const { store, issued } = issueTokens(campaign, roster.units, office);
  bearer = { authorization: `Bearer ${issued.find((t) => t.personId === 'office')!.token}` };
  api = await createApiServer({
    temporalClient: client,
    statusStore: rig.status,
    deliveryLog: rig.deliveryLog,
    store: new FileTokenStore(store),
    uploads: localUploadStore(path.join(path.dirname(rig.file), 'uploads')),
    progress: { dir: path.join(path.dirname(rig.file), 'progress'), timerMs: 0 },
  });
});

afterAll(async () => {
  await monitor?.stop();
  for (const u of ['T02', 'T03', 'T01'])
    await client?.workflow
      .getHandle(unitWorkflowId(campaign, u))
      .terminate('test cleanup')
      .catch(() => undefined);
  await worker?.stop();
  await api?.close();
  await rig?.close();
  await Promise.allSettled([connection?.close(), native?.close()]);
});

const svc = () => ({ client, status: rig.status });
const statusOf = (unitId: string) => unitStatus(svc(), campaign, unitId);
const pendingAttempt = async () =>
  (await client.workflow.getHandle(T01).describe()).raw.pendingWorkflowTask?.attempt ?? 0;
const repairCtx = (bundle: Rig['real']): RepairContext => ({
  ...svc(),
  print: (l) => out.push(l),
  replayer: replayerFor({ code: bundle.code }),
  codeLabel: 'test',
  settings: SETTINGS,
  refreshTimeoutMs: 30_000,
});

describe('a unit whose history the current code no longer reproduces', () => {
  it('runs on the diverging code with Updates and mail, then fails its workflow task again and again on the real code', async () => {
    worker = await rig.worker(rig.diverging);
    const launched = await launchCampaign(client, {
      planPath: PLAN,
      rosterPath: UNITS,
      groupsPath: GROUPS,
      campaignId: campaign,
      start: new Date().toISOString(),
      taskQueue,
    });
    expect(launched.ok && launched.started).toBe(3);
    await eventually(() => statusOf('T01').catch(() => undefined), 20_000, 'T01 publishes its status');
    await runOperation(svc(), campaign, 'T01', 'submit', {
      taskId: 'implementation_plan',
      submittedBy: 'T01-liaison',
      summary: '实施方案已经党委会讨论通过',
      fileRefs: [],
    });
    await client.workflow.getHandle(T01).signal(divergeSignal);
    // After the divergence: an Update (and its 审核通过 mail) that the repair must apply again, not send again.
    await runOperation(svc(), campaign, 'T01', 'review', {
      taskId: 'implementation_plan',
      reviewedBy: 'G1-m1',
      decision: 'approve',
    });
    const approved = () =>
      rig.mailbox
        .messages()
        .filter((m) => m.subject?.includes('审核通过') && m.subject.includes('青山镇机关')).length;
    await eventually(() => Promise.resolve(approved() > 0 ? true : undefined), 15_000, 'the 审核通过 mail');
    // A graceful stop lets the delivery in flight finish: every recipient's mail is out once it returns.
    await worker.stop();
    await new Promise((r) => setTimeout(r, 500));
    approvedMails = approved();

    worker = await rig.worker(rig.real);
    const refused = await runOperation(svc(), campaign, 'T01', 'submit', {
      taskId: 'convey_spirit',
      submittedBy: 'T01-liaison',
      summary: '已传达',
      fileRefs: [],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(CampaignFailure);
    expect((refused as CampaignFailure).type).toBe('Unavailable');
    // The failed Update made T01 a candidate for the next scan.
    expect(await rig.status.healthOf(campaign, 'T01')).toMatchObject({ state: 'suspect' });
    await eventually(
      async () => ((await pendingAttempt()) > SETTINGS.stuckAfterFailures + 1 ? true : undefined),
      40_000,
      'T01 failing more than once',
    );
  });

  it('is found by the worker’s health monitor and counted in its metrics; the healthy units are not', async () => {
    monitor = startHealthMonitor({
      svc: svc(),
      settings: SETTINGS,
      meter: Runtime.instance().metricMeter,
      onScan: (r) => scans.push(r),
    });
    const scan = await eventually(
      () => Promise.resolve(scans.find((r) => r.stuck.length > 0)),
      20_000,
      'a scan that finds T01',
    );
    await monitor.stop();
    monitor = undefined;
    expect(scan.stuck.map((h) => h.unitId)).toEqual(['T01']);
    const h = scan.stuck[0]!;
    expect(h).toMatchObject({
      state: 'stuck',
      unitName: '青山镇机关',
      errorCause: 'WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR',
    });
    expect(h.failures).toBeGreaterThan(1);
    expect(h.error).toContain('TimerStarted');
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`campaign_stuck_units\\{[^}]*campaign="${campaign}"[^}]*\\} 1`));
  });

  it('shows as 流程异常，需要技术处理 in campaign status, the unit’s status, the board’s feed and the notification problems', async () => {
    await runStatus({ campaign }, { ...svc(), print: (l) => out.push(l) });
    const overview = take();
    expect(overview).toContain('，流程异常 1 个');
    expect(overview).toMatch(
      /流程异常，需要技术处理：1 个单位[\s\S]*青山镇机关（T01）\s+已失败 \d+ 次.*错误：.*Nondeterminism error.*TimerStarted/,
    );
    expect(overview).toContain(`campaign repair --campaign ${campaign} --dry-run`);
    await runStatus({ campaign, unit: 'T01' }, { ...svc(), print: (l) => out.push(l) });
    expect(take()).toMatch(/流程异常，需要技术处理：工作流任务已失败 \d+ 次.*TimerStarted/);
    const t01 = await statusOf('T01');
    expect(t01.health).toMatchObject({ state: 'stuck', label: '流程异常，需要技术处理' });
    expect((await statusOf('T02')).health).toBeUndefined();

    const feed = (
      await api.inject({ method: 'GET', url: `/api/campaigns/${campaign}/unit-health`, headers: bearer })
    ).json<UnitHealthList>();
    expect(feed.stuck.map((w) => [w.unitId, w.statusLabel])).toEqual([['T01', '流程异常，需要技术处理']]);
    const viaApi = (
      await api.inject({ method: 'GET', url: `/api/campaigns/${campaign}/units/T01`, headers: bearer })
    ).json<UnitCampaignStatus>();
    expect(viaApi.health?.error).toContain('TimerStarted');
    const problems = (
      await api.inject({
        method: 'GET',
        url: `/api/campaigns/${campaign}/notification-problems`,
        headers: bearer,
      })
    ).json<DeliveryProblemList>();
    expect(problems.workflowProblems).toEqual([
      expect.objectContaining({
        unitId: 'T01',
        unitName: '青山镇机关',
        statusLabel: '流程异常，需要技术处理',
        error: expect.stringContaining('TimerStarted') as unknown,
      }),
    ]);
    await runProblems(
      { campaign },
      { NOTIFY_SQLITE_PATH: rig.file },
      (l) => out.push(l),
      (l) => out.push(l),
    );
    expect(take()).toMatch(/流程异常，需要技术处理\s+\S+\s+青山镇机关（T01）.*TimerStarted/);
  });

  it('campaign repair --dry-run lists the unit, its error and the reset point, and changes nothing; with the code that wrote the history it is a code error', async () => {
    const runBefore = (await client.workflow.getHandle(T01).describe()).runId;
    expect(await runRepair({ campaign, dryRun: true }, repairCtx(rig.real))).toBe(0);
    const dry = take();
    expect(dry).toContain(`活动「${campaign}」：1 个单位流程异常`);
    expect(dry).toMatch(/青山镇机关（T01）：工作流任务已失败 \d+ 次/);
    expect(dry).toMatch(/错误：.*TimerStarted/);
    expect(dry).toMatch(/判断：历史不一致——第 \d+ 个流程任务/);
    const reset = Number(/重置点：事件 (\d+)/.exec(dry)?.[1]);
    expect(dry).toMatch(/重新应用 1 个更新（reviewDeliverable）和 0 个信号/);
    expect(dry).toContain('没有做任何修改');
    // The reset point is the completion of the task that started the extra timer (what the real code never does).
    const events = (await client.workflow.getHandle(T01).fetchHistory()).events ?? [];
    const at = events.findIndex((e) => Number(e.eventId) === reset);
    expect(events[at]?.workflowTaskCompletedEventAttributes).toBeTruthy();
    expect(events[at + 1]?.timerStartedEventAttributes?.startToFireTimeout?.seconds?.toString()).toBe('3600');
    expect((await client.workflow.getHandle(T01).describe()).runId).toBe(runBefore);

    expect(await runRepair({ campaign, unit: 'T01', dryRun: true }, repairCtx(rig.diverging))).toBe(1);
    expect(take()).toContain('判断：代码错误，不是历史不一致：请修正代码');
  });

  it('campaign repair resets it; the unit then runs to completion and every notification went out once', async () => {
    const runBefore = (await client.workflow.getHandle(T01).describe()).runId;
    expect(await runRepair({ campaign }, repairCtx(rig.real))).toBe(0);
    const done = take();
    expect(done).toMatch(/已修复：已重置，新运行 \S+，单位状态已刷新/);
    expect(done).toContain('已修复 1 个单位。');
    const after = await client.workflow.getHandle(T01).describe();
    expect(after.runId).not.toBe(runBefore);
    expect(await rig.status.healthOf(campaign, 'T01')).toBeUndefined();
    // The review applied again in the new run: the plan stays approved, and the status shows it at once.
    const s = await statusOf('T01');
    expect(s.health).toBeUndefined();
    expect(s.tasks.find((t) => t.taskId === 'implementation_plan')?.status).toBe('done');

    await runOperation(svc(), campaign, 'T01', 'submit', {
      taskId: 'convey_spirit',
      submittedBy: 'T01-liaison',
      summary: '已传达',
      fileRefs: [],
    });
    await eventually(
      async () =>
        (await statusOf('T01')).tasks.find((t) => t.taskId === 'summary_report')?.status === 'open'
          ? true
          : undefined,
      20_000,
      'the second stage',
    );
    await runOperation(svc(), campaign, 'T01', 'submit', {
      taskId: 'summary_report',
      submittedBy: 'T01-liaison',
      summary: '总结报告',
      fileRefs: [],
    });
    const result = (await client.workflow.getHandle(T01).result()) as UnitCampaignResult;
    expect(result.outcome).toBe('completed');

    const mine = rig.mailbox.messages().filter((m) => m.subject?.includes('青山镇机关'));
    const ids = mine.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    const count = (word: string) => mine.filter((m) => m.subject?.includes(word)).length;
    expect(count('审核通过')).toBe(approvedMails);
    expect(count('已完成全部环节')).toBeGreaterThanOrEqual(1);
    expect(count('「整改落实阶段」已开始')).toBeGreaterThanOrEqual(1);
    const subjects = mine.map((m) => `${m.subject} → ${m.to ? JSON.stringify(m.to) : ''}`);
    expect(new Set(subjects).size).toBe(subjects.length);
    const replay = await replayAll(client, [T01], rig.real);
    expect(replay.failures).toEqual([]);
  });
});
