/**
 * What a unit workflow's first task costs, on a real dev server with a real worker: N unit
 * workflows are started with no worker polling, then one worker (the project's options: workflow
 * code bundled from source, one reusable V8 context) drains their first tasks. Reports wall time
 * per first task, CPU of the worker process and of the server per first task (the split the
 * 10,000-unit start needs), and each first workflow task's started → completed latency from the
 * histories (it includes the local activity `loadPlan`).
 *
 * Two plans: `town_office` exactly as shipped (dates of 2009: everything is overdue at start, so
 * the first task also runs the 回头看 and every escalation — what `status-10k` measures) and
 * `relative` (the same plan with its windows as day offsets, starting tomorrow: the first task
 * only schedules). Run: npx tsx bench/first-task.bench.ts [units=300] [town_office|relative|both]
 * Profile the workflow thread with `node --cpu-prof --cpu-prof-dir=.cache/prof --import tsx bench/first-task.bench.ts`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities, defaultPlansDir } from '../activities/index.js';
import { planRefFor } from '../activities/plan-store.js';
import { startDevServer } from '../toolchain/dev-server.js';
import { bundlerOptions, workflowsPath } from '../worker/create-worker.js';
import { unitWorkflowId } from '../workflows/ids.js';
import {
  CampaignId,
  CampaignStage,
  SupervisorGroup,
  UnitId,
  UnitType,
} from '../workflows/search-attributes.js';
import { UNIT_CAMPAIGN_WORKFLOW_TYPE, type UnitCampaignInput } from '../workflows/unit-campaign/messages.js';
import { writeRelativePlan } from '../test/workflow/unit-campaign/support.js';

const UNITS = Number(process.argv[2] ?? 300);
const which = process.argv[3] ?? 'both';
const CONCURRENCY = 32;

Runtime.install({ logger: new DefaultLogger('ERROR') });
const server = process.env.TEMPORAL_ADDRESS ? undefined : await startDevServer();
const address = process.env.TEMPORAL_ADDRESS ?? server!.address;
const plansDir = await mkdtemp(path.join(tmpdir(), 'first-task-'));
const connection = await Connection.connect({ address });
const client = new Client({ connection });
const native = await NativeConnection.connect({ address });
// FIRST_TASK_PRELOAD=none bundles without the shared (preloaded) calendar modules, to compare.
const options =
  process.env.FIRST_TASK_PRELOAD === 'none' ? { ...bundlerOptions, preloadModules: [] } : bundlerOptions;
const { code } = await bundleWorkflowCode({ workflowsPath, ...options, logger: new DefaultLogger('ERROR') });

/** CPU seconds (user + system) of the dev server: the process listening on its port, found in /proc. */
function serverCpuSeconds(): number | undefined {
  if (!server) return undefined;
  const port = address.split(':').at(-1)!;
  const tick = 100; // USER_HZ on Linux
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('start-dev') || !cmd.includes(`--port\0${port}\0`) || cmd.startsWith('/bin/sh'))
        continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // a process that went away while being read
    }
  }
  return undefined;
}

function input(
  campaignId: string,
  planRef: UnitCampaignInput['planRef'],
  i: number,
  start: string,
): UnitCampaignInput {
  const id = `U${String(i).padStart(5, '0')}`;
  return {
    campaignId,
    campaignTitle: '第三批深入学习实践科学发展观活动',
    planRef,
    unit: {
      id,
      name: `第${i}镇机关`,
      type: 'town_office',
      flags: [],
      head: { id: `${id}-head`, name: `负责人${i}`, email: `head-${id}@u.example.cn` },
      liaison: { id: `${id}-liaison`, name: `联络员${i}`, email: `liaison-${id}@u.example.cn` },
      group: {
        id: 'G01',
        name: '第1指导组',
        members: [{ id: 'G01-m1', name: '组长1', email: 'g1@g.example.cn' }],
      },
    },
    office: {
      name: '区学习实践活动办公室',
      members: [{ id: 'office-1', name: '王主任', email: 'wang@office.example.cn' }],
    },
    start,
  };
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

async function run(label: string, planId: string, start: string): Promise<void> {
  const campaignId = `ft-${planId}-${Date.now()}`;
  const taskQueue = `first-task-${planId}-${Date.now()}`;
  const planRef = await planRefFor(plansDir, planId);
  const ids: string[] = [];
  let next = 1;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next <= UNITS) {
        const i = next++;
        const workflowId = unitWorkflowId(campaignId, `U${String(i).padStart(5, '0')}`);
        ids.push(workflowId);
        await client.workflow.start(UNIT_CAMPAIGN_WORKFLOW_TYPE, {
          workflowId,
          taskQueue,
          args: [input(campaignId, planRef, i, start)],
          typedSearchAttributes: [
            { key: CampaignId, value: campaignId },
            { key: UnitId, value: `U${i}` },
            { key: UnitType, value: 'town_office' },
            { key: SupervisorGroup, value: 'G01' },
            { key: CampaignStage, value: 'starting' },
          ],
        });
      }
    }),
  );
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: { code },
    activities: createActivities({ plansDir }),
  });
  const cpu0 = process.cpuUsage();
  const srv0 = serverCpuSeconds();
  const t0 = performance.now();
  const running = worker.run();
  const query = `CampaignId = '${campaignId}' AND CampaignStage = 'starting'`;
  for (;;) {
    if ((await client.workflow.count(query)).count === 0) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const srv1 = serverCpuSeconds();
  worker.shutdown();
  await running;

  // First workflow task latency (started → completed) from the histories; and the span of all of them.
  const latencies: number[] = [];
  let firstStart = Infinity;
  let lastDone = 0;
  const sample = ids.slice(0, Math.min(ids.length, 300));
  for (const id of sample) {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const startedEv = events.find((e) => e.workflowTaskStartedEventAttributes);
    const doneEv = events.find((e) => e.workflowTaskCompletedEventAttributes);
    const at = (e: typeof startedEv) =>
      Number(e!.eventTime!.seconds) * 1000 + Math.round((e!.eventTime!.nanos ?? 0) / 1e6);
    if (!startedEv || !doneEv) continue;
    latencies.push(at(doneEv) - at(startedEv));
    firstStart = Math.min(firstStart, at(startedEv));
    lastDone = Math.max(lastDone, at(doneEv));
  }
  latencies.sort((a, b) => a - b);
  const workerCpuMs = (cpu.user + cpu.system) / 1000;
  const serverCpuMs = srv0 !== undefined && srv1 !== undefined ? (srv1 - srv0) * 1000 : NaN;
  console.log(
    `${label}：${UNITS} 个首个工作流任务，用时 ${(wallMs / 1000).toFixed(1)} 秒（${(UNITS / (wallMs / 1000)).toFixed(0)} 个/秒，每个 ${(wallMs / UNITS).toFixed(1)} 毫秒墙钟）；` +
      `worker 进程 CPU 每个 ${(workerCpuMs / UNITS).toFixed(1)} 毫秒，服务器 CPU 每个 ${(serverCpuMs / UNITS).toFixed(1)} 毫秒；` +
      `首任务 started→completed（${latencies.length} 个样本）中位数 ${pct(latencies, 50)} 毫秒，p95 ${pct(latencies, 95)}，最慢 ${latencies.at(-1)}`,
  );
}

const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
if (which === 'both' || which === 'town_office') {
  const { copyFile } = await import('node:fs/promises');
  await copyFile(path.join(defaultPlansDir, 'town_office.yaml'), path.join(plansDir, 'town_office.yaml'));
  await run(
    'town_office（2009 年日期，启动时全部逾期）',
    'town_office',
    new Date().toISOString().slice(0, 10),
  );
}
if (which === 'both' || which === 'relative') {
  await writeRelativePlan(plansDir, 'town_office', 'town_office_relative');
  await run('town_office 相对日期（明天开始）', 'town_office_relative', tomorrow);
}

await connection.close();
await native.close();
await server?.stop();
await rm(plansDir, { recursive: true, force: true });
