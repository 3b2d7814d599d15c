/**
 * `npm run stack`: the production topology on this machine without Docker (see topology.ts), with
 * a demo campaign launched through the first API replica the first time. Prints the URLs and a
 * login per role. Ctrl-C stops everything in order (APIs and workers drain first); a second start
 * resumes from .data/stack: same ports, same database, same logins, the campaign where it was.
 * Start over: delete .data/stack.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openPool } from '../../db/pool.js';
import { UNIT_TYPE_IDS } from '../../domain/unit-types.js';
import { startMailbox } from '../../toolchain/mailbox.js';
import { startMailPage } from '../../toolchain/mail-page.js';
import { dataDir, repoRoot } from '../../toolchain/paths.js';
import { freePort } from '../../toolchain/ports.js';
import { buildWeb } from '../demo/build-web.js';
import { migrateApiState } from '../api/state-migrations.js';
import { PostgresTokenStore } from '../api/token-store-postgres.js';
import { ROLE_LABELS, issueTokens, writeHandout, type IssuedToken } from '../api/tokens.js';
import { writeWorkflowBundle } from '../../worker/bundle.js';
import { startTopology, type TopologyPorts } from './topology.js';

const stackDir = path.join(dataDir, 'stack');
const stateFile = path.join(stackDir, 'stack.json');
const OFFICE = {
  name: '区学习实践活动办公室',
  members: [{ id: 'office', name: '孙主任', email: 'office@xuexi.example.gov.cn' }],
};
const CAMPAIGN_ID = 'stack-2009-batch3';
const ROSTER = path.join(repoRoot, 'examples', 'roster.xlsx');

interface StackState {
  ports: TopologyPorts & { smtp: number; mailPage: number };
  campaignId: string;
  launched?: boolean;
}

const log = (line: string) =>
  console.log(
    `${new Date().toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })}  ${line}`,
  );

/** The preferred port if free, else any free one. */
async function portNear(preferred: number): Promise<number> {
  const net = await import('node:net');
  const free = await new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(preferred, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  return free ? preferred : freePort();
}

async function loadState(): Promise<StackState> {
  if (existsSync(stateFile)) return JSON.parse(await readFile(stateFile, 'utf8')) as StackState;
  // Temporal's cluster table keeps ports as smallint: its port stays below 32768.
  const state: StackState = {
    ports: {
      postgres: await portNear(25432),
      temporal: await portNear(27233),
      minio: await portNear(29000),
      apis: [await portNear(28081), await portNear(28082)],
      workers: [await portNear(29464), await portNear(29465)],
      smtp: await portNear(22525),
      mailPage: await portNear(28025),
    },
    campaignId: CAMPAIGN_ID,
  };
  await mkdir(stackDir, { recursive: true });
  await writeFile(stateFile, JSON.stringify(state, null, 2));
  return state;
}

/** plans/demo.yaml (the 镇机关 plan compressed to minutes) for every unit type of the demo roster. */
async function demoPlanBytes(): Promise<Buffer> {
  const text = await readFile(path.join(repoRoot, 'plans', 'demo.yaml'), 'utf8');
  const widened = text.replace(/^unitTypes: \[.*\]$/m, `unitTypes: [${UNIT_TYPE_IDS.join(', ')}]`);
  if (widened === text) throw new Error('plans/demo.yaml 中找不到 unitTypes 一行');
  return Buffer.from(widened);
}

/** First start: the office's login into the database, then the campaign launched through API 1. */
async function seed(state: StackState, databaseUrl: string, apiUrl: string): Promise<IssuedToken[]> {
  const pool = openPool(databaseUrl, { max: 2 });
  let office: IssuedToken[];
  try {
    await migrateApiState(pool);
    const issued = issueTokens(state.campaignId, [], OFFICE);
    await (await PostgresTokenStore.open(pool, state.campaignId)).importFile(issued.store);
    office = issued.issued;
  } finally {
    await pool.end();
  }
  const form = new FormData();
  form.append('plan', new Blob([await demoPlanBytes()]), 'demo.yaml');
  form.append('roster', new Blob([await readFile(ROSTER)]), 'roster.xlsx');
  form.append('start', new Date(Date.now() + 5_000).toISOString());
  const r = await fetch(`${apiUrl}/api/campaigns/${state.campaignId}/start`, {
    method: 'POST',
    headers: { authorization: `Bearer ${office[0]!.token}` },
    body: form,
  });
  const body = (await r.json()) as { started?: number; tokens?: IssuedToken[]; message?: string };
  if (!r.ok) throw new Error(`通过 API 发起演示活动失败（${r.status}）：${body.message ?? ''}`);
  log(`已通过 API 1 发起演示活动：${body.started ?? 0} 个单位`);
  return [...office, ...(body.tokens ?? [])];
}

async function main(): Promise<void> {
  const state = await loadState();
  const stops: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('正在停止（API 与工作者先处理完进行中的请求和任务）……');
    for (const s of stops.reverse())
      await s().catch((e: unknown) => log(`停止时出错：${(e as Error).message}`));
    log('已全部停止；再次运行 npm run stack 从当前状态继续');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const started = Date.now();
    const mailbox = await startMailbox({ port: state.ports.smtp, storeDir: path.join(stackDir, 'mail') });
    stops.push(() => mailbox.close());
    const mailPage = await startMailPage(mailbox, state.ports.mailPage);
    stops.push(() => mailPage.close());

    log('准备网页控制台与预打包的工作流代码……');
    const bundle = path.join(stackDir, 'workflow-bundle.js');
    await Promise.all([buildWeb({ log }), writeWorkflowBundle(bundle)]);
    log('启动 PostgreSQL、Temporal 服务器（首次运行需先构建）、MinIO、两个工作者、两个 API……');
    const topology = await startTopology({
      dataDir: stackDir,
      ports: state.ports,
      campaignId: state.campaignId,
      taskQueue: 'campaign',
      smtpPort: mailbox.port,
      officeName: OFFICE.name,
      mailFrom: `${OFFICE.name} <${OFFICE.members[0]!.email}>`,
      workflowBundle: bundle,
      log,
      onServiceLine: (service, line) => {
        // The SDK's own warnings (e.g. slow workflow tasks while a resumed stack replays) are on /metrics; show errors.
        if (/\bERROR\b|error:|错误|失败/.test(line)) log(`[${service}] ${line.slice(0, 300)}`);
      },
    });
    stops.push(() => topology.close());

    const loginsFile = path.join(stackDir, 'logins.csv');
    const loginsJson = path.join(stackDir, 'logins.json');
    let logins: IssuedToken[];
    if (!state.launched) {
      logins = await seed(state, topology.databaseUrl, topology.apiUrls[0]!);
      await writeFile(loginsJson, JSON.stringify(logins), { mode: 0o600 });
      await writeHandout(logins, loginsFile);
      state.launched = true;
      await writeFile(stateFile, JSON.stringify(state, null, 2));
    } else {
      logins = JSON.parse(await readFile(loginsJson, 'utf8')) as IssuedToken[];
      log('沿用上次的数据库、活动和登录令牌继续');
    }

    const pick = (role: IssuedToken['role']) =>
      logins.find((t) => t.role === role && (role !== 'unit' || t.personId.endsWith('-liaison')));
    console.log('');
    console.log(`生产形态已就绪（用时 ${Math.round((Date.now() - started) / 1000)} 秒）：`);
    topology.apiUrls.forEach((u, i) =>
      console.log(`  API 与网页控制台 ${i + 1}：${u}/   （健康 ${u}/readyz，指标 ${u}/metrics）`),
    );
    topology.workers.forEach((w, i) =>
      console.log(
        `  工作者 ${i + 1}：健康与指标 http://127.0.0.1:${state.ports.workers[i]}/readyz、/metrics（pid ${w.pid}）`,
      ),
    );
    console.log(
      `  Temporal 服务器（PostgreSQL 持久化与可见性）：${topology.temporalAddress}，命名空间 default，任务队列 campaign`,
    );
    console.log(
      `  PostgreSQL：postgres://postgres@127.0.0.1:${state.ports.postgres}/（库 campaign、temporal、temporal_visibility）`,
    );
    console.log(`  对象存储（MinIO）：${topology.s3.endpoint}，存储桶 ${topology.bucket}`);
    console.log(`  演示邮箱：${mailPage.url}`);
    console.log('  登录令牌（在任一 API 端口的控制台登录页粘贴；全部令牌见 .data/stack/logins.csv）：');
    for (const role of ['office', 'group', 'unit'] as const) {
      const t = pick(role);
      if (t) console.log(`    ${ROLE_LABELS[role]}  ${t.name}（${t.personId}）  ${t.token}`);
    }
    console.log('  按 Ctrl-C 停止；再次运行 npm run stack 从当前状态继续。全部重来：删除 .data/stack/。');
    console.log('');
  } catch (e) {
    console.error(`生产形态启动失败：${(e as Error).message}`);
    await stop(1);
  }
}

await main();
