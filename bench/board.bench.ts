/**
 * The board at 10,000 units through the API (`npm run bench board`): 10,000 published statuses
 * seeded into the read model (SQLite file, then PostgreSQL when its binaries are there), the real
 * API server on loopback, and the median / p95 of the office's overview (counts and 红黄绿), one
 * 指导组's overview, a 指导组's list of units, the escalation list and the survey summary.
 * No Temporal: the board's routes never reach it (the fake client refuses every call).
 * Run: npx tsx bench/board.bench.ts [units] [samples]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { openPostgresStatusStore } from '../activities/status/postgres-status-store.js';
import { openSqliteStatusStore } from '../activities/status/sqlite-status-store.js';
import type { StatusStore, UnitStatusRecord } from '../activities/status/status-store.js';
import { createApiServer } from '../client/api/server.js';
import { FileTokenStore } from '../client/api/token-store-file.js';
import { issueTokens } from '../client/api/tokens.js';
import { localUploadStore } from '../client/api/uploads.js';
import type { RosterUnit } from '../domain/roster/types.js';
import { startEphemeralPostgres } from '../toolchain/postgres.js';
import type { TaskView, UnitCampaignStatus } from '../workflows/unit-campaign/messages.js';

const UNITS = Number(process.argv[2] ?? 10_000);
const SAMPLES = Number(process.argv[3] ?? 30);
const GROUPS = 50;
const CAMPAIGN = 'bench-board';
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const groupOf = (i: number) => `G${pad((i % GROUPS) + 1, 2)}`;
const STAGES = ['study', 'analysis', 'rectification'];

function roster(i: number): RosterUnit {
  const g = groupOf(i);
  return {
    id: `U${pad(i, 5)}`,
    name: `第${i}镇机关`,
    type: 'town_office',
    flags: [],
    head: { name: `书记${i}`, email: `head-${i}@u.example.cn` },
    liaison: { name: `联络员${i}`, mobile: '13800000000' },
    groupId: g,
    group: {
      id: g,
      name: `第${g.slice(1)}指导组`,
      members: [{ name: `${g}组长`, role: 'leader', sourceRow: 2 }],
    },
    sourceRow: i + 1,
  };
}

/** A unit of the shipped plan's size: 24 tasks over three stages, a timeline, some escalations and surveys. */
function record(i: number): UnitStatusRecord {
  const stage = STAGES[i % 3]!;
  const day = (d: number) => new Date(Date.UTC(2009, 8, 1 + d, 9, 30)).toISOString();
  const tasks: TaskView[] = Array.from({ length: 24 }, (_, k) => {
    const st = STAGES[Math.floor(k / 8)]!;
    const before = STAGES.indexOf(st) < STAGES.indexOf(stage);
    const open = st === stage;
    return {
      taskId: `task_${k}`,
      stageId: st,
      title: `事项${k}`,
      kind: 'document',
      origin: 'plan',
      status: before ? 'done' : open ? (k % 7 === i % 7 ? 'returned' : 'open') : 'pending',
      opensAt: day(k * 3),
      dueAt: day(k * 3 + 10 + (i % 40)),
      needsReview: k % 4 === 0,
      gap: false,
      overdue: false,
      late: false,
      submissions: before ? 1 : 0,
      returns: 0,
      escalationLevel: open && i % 5 === 0 ? (i % 4) + 1 : 0,
    };
  });
  const status: UnitCampaignStatus = {
    campaignId: CAMPAIGN,
    unitId: `U${pad(i, 5)}`,
    unitName: `第${i}镇机关`,
    planId: 'town_office',
    phase: i % 50 === 0 ? 'paused' : 'running',
    stage,
    stages: STAGES.map((s, k) => ({
      stageId: s,
      title: ['学习调研阶段', '分析检查阶段', '整改落实阶段'][k]!,
      status: k < STAGES.indexOf(stage) ? 'complete' : k === STAGES.indexOf(stage) ? 'open' : 'pending',
      opensAt: day(k * 30),
      dueAt: day(k * 30 + 29),
    })),
    tasks,
    overdueCount: 0,
    openEscalations:
      i % 5 === 0
        ? [
            {
              taskId: 'task_9',
              level: (i % 4) + 1,
              label: '督办',
              firedAt: day(20),
              repeats: 0,
              acknowledged: i % 2 === 0,
            },
          ]
        : [],
    surveys:
      i % 3 === 0
        ? [
            {
              round: 1,
              satisfied: 12,
              basicallySatisfied: 4,
              dissatisfied: i % 9,
              respondents: 16 + (i % 9),
              method: '集中评议',
              dissatisfiedShare: (i % 9) / (16 + (i % 9)),
              remedialNeeded: i % 9 > 6,
              recordedAt: day(80),
            },
          ]
        : [],
    remedialRound: 0,
    lookBackDone: false,
    timeline: Array.from({ length: 30 }, (_, k) => ({
      at: day(k),
      kind: 'reminder',
      text: `提醒：事项${k} 即将到期`,
    })),
    timelineDropped: 0,
    run: 1,
  };
  return {
    campaignId: CAMPAIGN,
    unitId: status.unitId,
    run: 1,
    seq: 1,
    groupId: groupOf(i),
    groupName: `第${groupOf(i).slice(1)}指导组`,
    unitType: 'town_office',
    phase: status.phase,
    stage,
    remedialRound: 0,
    asOf: day(20),
    status,
  };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)]!,
    p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!,
  };
};

async function run(label: string, status: StatusStore): Promise<void> {
  const t0 = performance.now();
  for (let i = 1; i <= UNITS; i++) await status.publish(record(i));
  console.log(
    `${label}：写入 ${UNITS} 个单位的状态（含看板行）用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒`,
  );
  const { store, issued } = issueTokens(
    CAMPAIGN,
    Array.from({ length: UNITS }, (_, k) => roster(k + 1)),
    {
      name: '活动办',
      members: [{ id: 'office', name: '孙主任' }],
    },
  );
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-board-api-'));
  const app = await createApiServer({
    temporalClient: {} as Client,
    statusStore: status,
    store: new FileTokenStore(store),
    uploads: localUploadStore(dir),
    progress: { timerMs: 0 },
    rateLimitPerMinute: 1_000_000,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const token = (person: string) => issued.find((t) => t.personId === person)!.token;
  const c = `/api/campaigns/${CAMPAIGN}`;
  const cases: [string, string, string][] = [
    ['活动办总览（计数、红黄绿、逾期、督办、测评）', `${c}/board`, 'office'],
    ['指导组总览（本组计数与红黄绿）', `${c}/board`, 'G07-m1'],
    ['一个指导组的单位列表（200 个，含各阶段红黄绿）', `${c}/board/units?limit=200`, 'G07-m1'],
    ['活动办：红色单位第一页（100 个）', `${c}/board/units?rag=red&limit=100`, 'office'],
    ['督办列表第一页（50 条）', `${c}/board/escalations?limit=50`, 'office'],
    ['测评汇总（各轮次与第一页单位）', `${c}/board/surveys?limit=20`, 'office'],
  ];
  for (const [name, url, person] of cases) {
    const headers = { authorization: `Bearer ${token(person)}` };
    const times: number[] = [];
    let size = 0;
    for (let k = 0; k < SAMPLES + 3; k++) {
      const s = performance.now();
      const res = await fetch(`${base}${url}`, { headers });
      const body = await res.text();
      if (!res.ok) throw new Error(`${url}: ${res.status} ${body}`);
      if (k >= 3) times.push(performance.now() - s);
      size = body.length;
    }
    const { median, p95 } = stats(times);
    console.log(
      `${label} ${name}：中位数 ${median.toFixed(1)} 毫秒，p95 ${p95.toFixed(1)} 毫秒（${SAMPLES} 次，应答 ${(size / 1024).toFixed(0)} KiB）`,
    );
  }
  const o = (await (
    await fetch(`${base}${c}/board`, { headers: { authorization: `Bearer ${token('office')}` } })
  ).json()) as {
    published: number;
    rag: Record<string, number>;
    escalations: { open: number };
  };
  console.log(
    `${label} 核对：已发布 ${o.published}，红黄绿 ${JSON.stringify(o.rag)}，督办 ${o.escalations.open} 条`,
  );
  await app.close();
  await rm(dir, { recursive: true, force: true });
}

const dir = await mkdtemp(path.join(tmpdir(), 'bench-board-'));
const sqlite = openSqliteStatusStore(path.join(dir, 'delivery.sqlite'));
await run('SQLite', sqlite);
await sqlite.close();
await rm(dir, { recursive: true, force: true });

if (process.env.BENCH_BOARD_POSTGRES !== '0') {
  const pg = await startEphemeralPostgres();
  try {
    const status = await openPostgresStatusStore(await pg.createDatabase());
    await run('PostgreSQL', status);
    await status.close();
  } finally {
    await pg.stop();
  }
}
