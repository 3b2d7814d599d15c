/**
 * The board converges with visibility after faults: the demo's 20 units (plans/demo.yaml,
 * compressed: escalations every few seconds, the next stage at +80 s) run on the production worker
 * process, which is SIGKILLed three times while they start and escalate. Afterwards, within a
 * bounded wait, the board rows (derived from each stored publish, activities/status/board-*.ts)
 * and Temporal visibility (the search attributes the same workflows upsert) agree on every unit's
 * stage, 指导组, type, 补课 round and running state, and the board's counts by stage are
 * visibility's counts. A publish lost with a killed worker is published again when the replayed
 * task runs (same (run, seq)); one stored twice changes nothing (see the store contract).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSqliteStatusStore } from '../../activities/status/sqlite-status-store.js';
import type { StatusStore } from '../../activities/status/status-store.js';
import { launchCampaign } from '../../app/launch.js';
import { listUnits } from '../../app/visibility.js';
import { widenDemoPlan } from '../../client/demo/driver.js';
import { parseRosterFile } from '../../domain/roster/parse-file.js';
import { startMailbox, type Mailbox } from '../../toolchain/mailbox.js';
import { repoRoot } from '../../toolchain/paths.js';
import { writeWorkflowBundle } from '../../worker/bundle.js';
import { unitWorkflowId } from '../../workflows/ids.js';
import { uniqueName } from '../support/unique.js';
import { loopbackWorkerEnv, workerProcess, type WorkerProcess } from './restart/worker-process.js';

const ROSTER = path.join(repoRoot, 'examples', 'roster.xlsx');
const OFFICE = {
  name: '区学习实践活动办公室',
  members: [{ id: 'office', name: '孙主任', email: 'office@xuexi.example.gov.cn' }],
};

let dir: string;
let connection: Connection;
let client: Client;
let mailbox: Mailbox;
let worker: WorkerProcess;
let status: StatusStore;
let unitIds: string[] = [];
const campaignId = uniqueName('board-conv');
const taskQueue = uniqueName('board-conv');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'board-conv-'));
  const plansDir = path.join(dir, 'plans');
  await mkdir(plansDir);
  await writeFile(
    path.join(plansDir, 'demo.yaml'),
    widenDemoPlan(await readFile(path.join(repoRoot, 'plans', 'demo.yaml'), 'utf8')),
  );
  const bundle = path.join(dir, 'workflow-bundle.js');
  await writeWorkflowBundle(bundle);
  mailbox = await startMailbox();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
  unitIds = (await parseRosterFile(ROSTER, { channels: ['email'] })).units.map((u) => u.id);
  const file = path.join(dir, 'delivery.sqlite');
  worker = workerProcess(
    loopbackWorkerEnv({
      temporalAddress: inject('temporalAddress'),
      taskQueue,
      plansDir,
      bundle,
      smtpPort: mailbox.port,
      sqlitePath: file,
    }),
  );
  await worker.start();
  status = openSqliteStatusStore(file);
}, 240_000);

afterAll(async () => {
  for (const u of unitIds)
    await client?.workflow
      .getHandle(unitWorkflowId(campaignId, u))
      .terminate('test cleanup')
      .catch(() => undefined);
  await worker?.close();
  await status?.close().catch(() => undefined);
  await mailbox?.close();
  await connection?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

/** Both views of every unit, as comparable lines, and the two counts by stage. */
async function views() {
  const now = new Date().toISOString();
  const vis = await listUnits(client, { campaignId });
  const page = await status.boardUnits({ campaignId }, {}, { limit: 1000, offset: 0 }, now);
  const summary = await status.boardSummary({ campaignId }, now);
  const line = (
    u: { unitId: string; stage: string; group: string; unitType: string; remedialRound: number },
    running: boolean,
  ) =>
    `${u.unitId} ${u.stage} ${u.group} ${u.unitType} 补课${u.remedialRound} ${running ? '进行中' : '已结束'}`;
  const byStage = (xs: { value: string; count: number }[]) =>
    Object.fromEntries([...xs].sort((a, b) => a.value.localeCompare(b.value)).map((b) => [b.value, b.count]));
  const visStages = new Map<string, number>();
  for (const u of vis) visStages.set(u.stage, (visStages.get(u.stage) ?? 0) + 1);
  return {
    visibility: vis.map((u) => line(u, u.status === 'RUNNING')),
    board: page.units.map((u) => line(u, u.phase === 'running' || u.phase === 'paused')),
    visibilityByStage: byStage([...visStages].map(([value, count]) => ({ value, count }))),
    boardByStage: byStage(summary.byStage),
  };
}

describe('the board and visibility after worker kills', () => {
  it('agree on every unit and on the counts by stage', async () => {
    const launched = await launchCampaign(client, {
      planPath: path.join(dir, 'plans', 'demo.yaml'),
      rosterPath: ROSTER,
      campaignId,
      start: new Date(Date.now() + 3_000).toISOString(),
      taskQueue,
      office: OFFICE,
    });
    expect(launched.ok && launched.started, launched.ok ? '' : launched.errors.join('\n')).toBe(
      unitIds.length,
    );
    // Killed while the units run their first tasks, then while they escalate (every few seconds).
    for (const wait of [2_000, 6_000, 9_000]) {
      await new Promise((r) => setTimeout(r, wait));
      await worker.restart('SIGKILL', 1_000);
    }
    expect(worker.gaps.filter((g) => g.signal === 'SIGKILL')).toHaveLength(3);
    let last = await views();
    let polls = 0;
    for (let i = 0; i < 60; i++, polls++) {
      last = await views();
      if (
        last.board.length === unitIds.length &&
        JSON.stringify(last.board) === JSON.stringify(last.visibility) &&
        JSON.stringify(last.boardByStage) === JSON.stringify(last.visibilityByStage)
      )
        break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    console.log(
      `[board-convergence] agreed after ${polls} polls of 1 s; by stage ${JSON.stringify(last.boardByStage)}`,
    );
    expect(last.board).toHaveLength(unitIds.length);
    expect(last.board).toEqual(last.visibility);
    expect(last.boardByStage).toEqual(last.visibilityByStage);
  });
});
