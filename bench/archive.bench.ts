/**
 * Campaign archive memory: builds the archive of N synthetic finished units (each with 8 submitted
 * files of 160 KiB in a local upload store, 4 reviews, 4 escalations, 60 timeline entries), then
 * streams the whole campaign zip to disk, and reports the process's peak RSS. Run for 30 and 300
 * units in separate processes: memory that does not grow with the units shows as a ratio near 1.
 *
 *   npm run bench archive            # 30 and 300 units
 *   npx tsx bench/archive.bench.ts 1000
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { CampaignServices } from '../app/services.js';
import { buildCampaignArchive, campaignArchiveStream } from '../app/archive/campaign-archive.js';
import type { UnitRecord } from '../app/archive/unit-record.js';
import type { UnitRow } from '../app/visibility.js';
import { localUploadStore } from '../client/api/uploads.js';

const FILES_PER_UNIT = 8;
const FILE_BYTES = 160 * 1024;

function record(i: number, refs: string[]): UnitRecord {
  const unitId = `U${String(i).padStart(5, '0')}`;
  const t0 = Date.parse('2009-09-15T01:00:00Z') + i * 1000;
  const at = (h: number) => new Date(t0 + h * 3_600_000).toISOString();
  const person = (id: string, name: string) => ({ id, name });
  const stages = ['study', 'analysis', 'rectification'].map((id, k) => ({
    stageId: id,
    title: ['学习调研阶段', '分析检查阶段', '整改落实阶段'][k]!,
    status: 'complete' as const,
    opensAt: at(k * 500),
    dueAt: at(k * 500 + 480),
  }));
  const tasks = Array.from({ length: 12 }, (_, k) => ({
    taskId: `step_${k}`,
    stageId: stages[Math.floor(k / 4)]!.stageId,
    title: `工作事项${k + 1}`,
    kind: 'task',
    origin: 'plan' as const,
    status: 'done' as const,
    opensAt: at(k * 100),
    dueAt: at(k * 100 + 90),
    needsReview: k % 3 === 0,
    gap: false,
    overdue: false,
    late: k === 1,
    submissions: 1,
    returns: 0,
    escalationLevel: 0,
    completedAt: at(k * 100 + 50),
  }));
  const submissions = refs.map((ref, k) => ({
    taskId: `step_${k}`,
    n: 1,
    at: at(k * 100 + 40),
    by: `${unitId}-liaison`,
    byName: '联络员',
    summary: `第${k + 1}项材料`,
    fileRefs: [ref],
  }));
  return {
    campaignId: 'bench',
    unitId,
    campaignTitle: '基准测试活动',
    input: {
      campaignId: 'bench',
      campaignTitle: '基准测试活动',
      planRef: { id: 'bench', sha256: '0'.repeat(64) },
      unit: {
        id: unitId,
        name: `第${i}单位`,
        type: 'town_office',
        flags: [],
        head: person(`${unitId}-head`, '第一责任人'),
        liaison: person(`${unitId}-liaison`, '联络员'),
        group: { id: `G${i % 20}`, name: `第${i % 20}指导组`, members: [person(`G${i % 20}-m1`, '组长')] },
      },
      office: { name: '区学习实践活动办公室', members: [person('office', '主任')] },
      start: at(0),
    },
    status: {
      campaignId: 'bench',
      unitId,
      unitName: `第${i}单位`,
      planId: 'bench',
      phase: 'completed',
      stage: 'done',
      stages,
      tasks,
      overdueCount: 0,
      openEscalations: [],
      surveys: [
        {
          round: 1,
          satisfied: 30,
          basicallySatisfied: 15,
          dissatisfied: 5,
          respondents: 50,
          method: '无记名投票',
          dissatisfiedShare: 0.1,
          remedialNeeded: false,
          recordedAt: at(1400),
        },
      ],
      remedialRound: 0,
      lookBackDone: true,
      timeline: Array.from({ length: 60 }, (_, k) => ({
        at: at(k * 25),
        kind: 'note',
        text: `第${k + 1}条记录：某项工作按计划完成，材料已报送指导组审查`,
      })),
      timelineDropped: 0,
      run: 1,
    },
    submissions,
    reviews: [0, 3, 6, 9].map((k) => ({
      taskId: `step_${k}`,
      at: at(k * 100 + 45),
      by: `G${i % 20}-m1`,
      byName: '组长',
      decision: 'approve' as const,
      reasons: [],
      failedItems: [],
    })),
    escalations: [1, 2, 3, 4].map((level) => ({
      taskId: 'step_1',
      taskTitle: '工作事项2',
      rev: 0,
      level,
      label: ['催办', '督促', '指导组督办', '通报'][level - 1]!,
      kind: level >= 4 ? ('通报' as const) : level === 3 ? ('督办' as const) : ('催办' as const),
      firstAt: at(100 + level),
      repeats: 0,
      to: '联络员（联络员）',
      resolvedAt: at(150),
      resolution: '已报送',
    })),
    asOf: at(1500),
  };
}

async function run(units: number): Promise<void> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'archive-bench-'));
  try {
    const uploads = localUploadStore(path.join(tmp, 'uploads'));
    const refs: string[][] = [];
    for (let i = 0; i < units; i++) {
      const mine: string[] = [];
      for (let k = 0; k < FILES_PER_UNIT; k++)
        mine.push(
          (await uploads.put(Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(FILE_BYTES)]))).ref,
        );
      refs.push(mine);
    }
    const rows: UnitRow[] = refs.map((_r, i) => ({
      workflowId: `w${i}`,
      unitId: `U${String(i).padStart(5, '0')}`,
      unitType: 'town_office',
      group: `G${i % 20}`,
      stage: 'done',
      overdueCount: 0,
      remedialRound: 0,
      status: 'Completed',
    }));
    const rssBefore = process.memoryUsage().rss;
    // The largest RSS seen while units are archived (before the campaign reports are written).
    let unitsPhaseRss = 0;
    const t0 = Date.now();
    const p = await buildCampaignArchive({
      svc: undefined as unknown as CampaignServices,
      uploads,
      campaignId: 'bench',
      dir: path.join(tmp, 'archive'),
      officeName: '区学习实践活动办公室',
      date: '2010-02-01',
      units: rows,
      source: (_c, unitId) =>
        Promise.resolve(record(Number(unitId.slice(1)), refs[Number(unitId.slice(1))]!)),
      onProgress: (x) => {
        if (x.done < units) unitsPhaseRss = Math.max(unitsPhaseRss, process.memoryUsage().rss);
      },
    });
    const built = Date.now() - t0;
    if (p.state !== 'done') throw new Error(`archive not done: ${JSON.stringify(p).slice(0, 500)}`);
    const zip = path.join(tmp, 'campaign.zip');
    const t1 = Date.now();
    await pipeline(await campaignArchiveStream(path.join(tmp, 'archive'), 'bench'), createWriteStream(zip));
    const streamed = Date.now() - t1;
    const size = (await stat(zip)).size;
    const peak = process.resourceUsage().maxRSS * 1024;
    console.log(
      JSON.stringify({
        units,
        files: units * FILES_PER_UNIT,
        zipMiB: +(size / 2 ** 20).toFixed(1),
        buildSeconds: +(built / 1000).toFixed(1),
        streamSeconds: +(streamed / 1000).toFixed(1),
        rssBeforeMiB: +(rssBefore / 2 ** 20).toFixed(0),
        unitsPhaseRssMiB: +(unitsPhaseRss / 2 ** 20).toFixed(0),
        peakRssMiB: +(peak / 2 ** 20).toFixed(0),
      }),
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const arg = process.argv[2];
if (arg) await run(Number(arg));
else {
  // Each size in its own process, so one's peak does not hide the other's.
  const peaks: Record<number, number> = {};
  for (const n of [30, 300]) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(n)], {
      encoding: 'utf8',
    });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    if (r.status !== 0) process.exit(1);
    peaks[n] = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { peakRssMiB: number }).peakRssMiB;
  }
  console.log(
    `全活动档案峰值内存：300 个单位 ${peaks[300]} MiB，30 个单位 ${peaks[30]} MiB，比值 ${(peaks[300]! / peaks[30]!).toFixed(2)}（越接近 1 越说明内存不随单位数增长）`,
  );
}
