/**
 * 10,000 units on one dev server: how long `campaign start` takes to start them (the real launch
 * path: roster parsing, validation, one workflow start per unit with bounded concurrency) and how
 * long `campaign status` (the visibility overview) and a filtered unit list take at that size.
 * Starting is measured with no worker polling (the two cores go to the client and the server);
 * then the real unit workflow runs on a worker in this process (plan town_office.yaml,
 * notifications not configured) for up to five minutes, so the stage attributes move from
 * `starting` to real stages, and status is measured again. Run: npx tsx bench/status-10k.bench.ts [units] [concurrency]
 * (TEMPORAL_ADDRESS=host:port to use an existing cluster instead of a fresh dev server).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { launchCampaign } from '../app/launch.js';
import { campaignOverview, listUnits } from '../app/visibility.js';
import { startDevServer } from '../toolchain/dev-server.js';
import { createCampaignWorker } from '../worker/create-worker.js';

const UNITS = Number(process.argv[2] ?? 10_000);
const CONCURRENCY = Number(process.argv[3] ?? 64);
const GROUPS = 50;
const PLAN = path.join(import.meta.dirname, '../plans/town_office.yaml');

Runtime.install({ logger: new DefaultLogger('ERROR') });
const server = process.env.TEMPORAL_ADDRESS ? undefined : await startDevServer();
const address = process.env.TEMPORAL_ADDRESS ?? server!.address;
const dir = await mkdtemp(path.join(tmpdir(), 'status-bench-'));

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const units = [
  '单位编号,单位名称,单位类型,标记,第一责任人,第一责任人邮箱,第一责任人手机,联络员,联络员邮箱,联络员手机,指导组',
];
for (let i = 1; i <= UNITS; i++) {
  const id = `U${pad(i, 5)}`;
  units.push(
    `${id},第${i}镇机关,镇机关,,负责人${i},head-${id}@u.example.cn,139${pad(i, 8)},联络员${i},liaison-${id}@u.example.cn,138${pad(i, 8)},G${pad((i % GROUPS) + 1, 2)}`,
  );
}
const groups = ['指导组编号,指导组名称,成员姓名,角色,邮箱,手机'];
for (let g = 1; g <= GROUPS; g++)
  groups.push(`G${pad(g, 2)},第${g}指导组,组长${g},组长,g${g}@g.example.cn,137${pad(g, 8)}`);
await writeFile(path.join(dir, 'units.csv'), units.join('\n'));
await writeFile(path.join(dir, 'groups.csv'), groups.join('\n'));

const connection = await Connection.connect({ address });
const client = new Client({ connection });
const native = await NativeConnection.connect({ address });
const taskQueue = `bench-${Date.now()}`;
const worker = await createCampaignWorker({
  connection: native,
  taskQueue,
  deps: {},
});
const campaignId = `bench-${Date.now()}`;

const t0 = performance.now();
const r = await launchCampaign(client, {
  planPath: PLAN,
  rosterPath: path.join(dir, 'units.csv'),
  groupsPath: path.join(dir, 'groups.csv'),
  campaignId,
  start: new Date().toISOString().slice(0, 10),
  taskQueue,
  concurrency: CONCURRENCY,
});
const startMs = performance.now() - t0;
if (!r.ok) throw new Error(r.errors.slice(0, 5).join('\n'));
console.log(
  `start：${r.started} 个单位启动，用时 ${(startMs / 1000).toFixed(1)} 秒（${(r.started / (startMs / 1000)).toFixed(0)} 个/秒，并发 ${CONCURRENCY}；含名单解析与校验）`,
);

const stages = [
  'starting',
  'preparation',
  'study',
  'analysis',
  'rectification',
  'consolidation',
  'done',
  'cancelled',
];
const groupIds = Array.from({ length: GROUPS }, (_, g) => `G${pad(g + 1, 2)}`);

async function measure(label: string): Promise<void> {
  const samples: number[] = [];
  let last: Awaited<ReturnType<typeof campaignOverview>> | undefined;
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    last = await campaignOverview(client, { campaignId }, { stages, groups: groupIds });
    samples.push(performance.now() - s);
  }
  samples.sort((a, b) => a - b);
  const l0 = performance.now();
  const list = await listUnits(client, { campaignId, group: 'G07' });
  const listMs = performance.now() - l0;
  console.log(
    `${label}：status 汇总 中位数 ${samples[2]!.toFixed(0)} 毫秒（最快 ${samples[0]!.toFixed(0)}，最慢 ${samples[4]!.toFixed(0)}；${last!.queries} 次 count 查询，方式 ${last!.method}）；` +
      `总数 ${last!.total}，按阶段 ${last!.byStage.map((b) => `${b.value}=${b.count}`).join(' ')}；一个指导组的单位列表（${list.length} 个）${listMs.toFixed(0)} 毫秒`,
  );
}

// Visibility is eventually consistent: wait until every started unit is counted.
const until = Date.now() + 120_000;
while ((await client.workflow.count(`CampaignId = '${campaignId}'`)).count < r.started && Date.now() < until)
  await new Promise((res) => setTimeout(res, 500));
await measure('刚启动后（worker 未运行，全部 starting）');
// Now let the real workflow run so the stage attributes spread over real values.
const running = worker.run();
const settle = Date.now() + 300_000;
while (
  Date.now() < settle &&
  (await client.workflow.count(`CampaignId = '${campaignId}' AND CampaignStage = 'starting'`)).count > 0
)
  await new Promise((res) => setTimeout(res, 2000));
const left = (await client.workflow.count(`CampaignId = '${campaignId}' AND CampaignStage = 'starting'`))
  .count;
const firstTasksS = (Date.now() - (settle - 300_000)) / 1000;
// How fast one worker gets every unit through its first workflow task (plan loaded, schedule built, stage published).
console.log(
  `首个工作流任务：${r.started - left} 个单位用时 ${firstTasksS.toFixed(1)} 秒（${((r.started - left) / firstTasksS).toFixed(0)} 个/秒，一个 worker）`,
);
await measure(`worker 处理后（仍在 starting 的 ${left} 个）`);

worker.shutdown();
await running;
await connection.close();
await native.close();
await server?.stop();
await rm(dir, { recursive: true, force: true });
