/**
 * The production shape, end to end: PostgreSQL, the real Temporal server v1.29.1 on it, MinIO,
 * two workers and two API replicas started as the image starts them (client/stack/topology.ts),
 * mail to a loopback SMTP server. A compressed 50-unit campaign is launched and driven through
 * both APIs in turn; mid-way one worker and one API are SIGKILLed and restarted.
 *
 * Then: every unit is in the state a fault-free run reaches (completed, nothing late, nothing
 * escalated), and every notification the units sent arrived exactly once: the workflows' own
 * counts, the delivery log and the SMTP server agree, with no duplicate. Tokens issued through one
 * API work on the other, a revocation on one is refused on the next request to the other, and the
 * progress chart and the notification problems are the same on both. Numbers are printed for the
 * record (docs and the issue note quote them).
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology, type Topology } from '../../client/stack/topology.js';
import { issueTokens, type IssuedToken } from '../../client/api/tokens.js';
import { PostgresTokenStore } from '../../client/api/token-store-postgres.js';
import { migrateApiState } from '../../client/api/state-migrations.js';
import { openPool } from '../../db/pool.js';
import { startMailbox, type Mailbox } from '../../toolchain/mailbox.js';
import { freePort } from '../../toolchain/ports.js';
import { freeLowPort } from '../../toolchain/temporal-cluster.js';
import { writeWorkflowBundle } from '../../worker/bundle.js';
import { parseNotificationId, unitWorkflowId } from '../../workflows/ids.js';
import type { UnitCampaignResult } from '../../workflows/unit-campaign/messages.js';
import { createApiClient, startDriver } from './support/driver.js';
import { cpuSeconds, databaseBytes, historyNumbers } from './support/measure.js';
import { rosterCsv } from './support/roster.js';

const UNITS = 50;
const CAMPAIGN = `prod-${process.pid}`;
const PLAN = path.join(import.meta.dirname, 'fixtures', 'production.yaml');
const OFFICE = {
  name: '区学习实践活动办公室',
  members: [{ id: 'office', name: '孙主任', email: 'office@xuexi.example.gov.cn' }],
};

let dir: string;
let mailbox: Mailbox;
let topology: Topology;
let temporal: { client: Client; close(): Promise<void> };
const roster = rosterCsv(UNITS);
const tokens = new Map<string, string>();
const timings: Record<string, number> = {};
const t0 = Date.now();
const lap = (what: string) => (timings[what] = Math.round((Date.now() - t0) / 100) / 10);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'production-'));
  // PostgreSQL runs as its own user (we may be root): it must be able to reach its folder inside.
  await chmod(dir, 0o755);
  mailbox = await startMailbox();
  const bundle = path.join(dir, 'workflow-bundle.js');
  await writeWorkflowBundle(bundle);
  lap('bundled');
  topology = await startTopology({
    dataDir: dir,
    ports: {
      postgres: await freePort(),
      temporal: await freeLowPort(new Set()),
      minio: await freePort(),
      apis: [await freePort(), await freePort()],
      workers: [await freePort(), await freePort()],
    },
    campaignId: CAMPAIGN,
    taskQueue: 'campaign',
    smtpPort: mailbox.port,
    officeName: OFFICE.name,
    mailFrom: `${OFFICE.name} <${OFFICE.members[0]!.email}>`,
    workflowBundle: bundle,
    log: (line) => process.stderr.write(`[production] ${line}\n`),
    onServiceLine: (service, line) =>
      /\bERROR\b|error:/.test(line) && process.stderr.write(`[${service}] ${line.slice(0, 400)}\n`),
  });
  lap('topology up');
  const connection = await Connection.connect({ address: topology.temporalAddress });
  temporal = { client: new Client({ connection }), close: () => connection.close() };
}, 1_800_000);

afterAll(async () => {
  await temporal?.close();
  await topology?.close();
  await mailbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function launchThroughApi1(): Promise<IssuedToken[]> {
  const pool = openPool(topology.databaseUrl, { max: 2 });
  const office = issueTokens(CAMPAIGN, [], OFFICE);
  try {
    await migrateApiState(pool);
    await (await PostgresTokenStore.open(pool, CAMPAIGN)).importFile(office.store);
  } finally {
    await pool.end();
  }
  const form = new FormData();
  form.append('plan', new Blob([await readFile(PLAN)]), 'production_test.yaml');
  form.append('roster', new Blob([roster.units]), 'units.csv');
  form.append('groups', new Blob([roster.groups]), 'groups.csv');
  form.append('start', new Date(Date.now() + 3_000).toISOString());
  const r = await fetch(`${topology.apiUrls[0]}/api/campaigns/${CAMPAIGN}/start`, {
    method: 'POST',
    headers: { authorization: `Bearer ${office.issued[0]!.token}` },
    body: form,
  });
  const body = (await r.json()) as { started: number; tokens: IssuedToken[]; message?: string };
  expect(r.status, body.message).toBe(200);
  expect(body.started).toBe(UNITS);
  return [...office.issued, ...body.tokens];
}

interface DeliveryRow {
  delivery_key: string;
  notification_id: string;
  address: string;
  status: string;
}

async function deliveryRows(): Promise<DeliveryRow[]> {
  const c = new pg.Client({ connectionString: topology.databaseUrl });
  await c.connect();
  try {
    return (
      await c.query<DeliveryRow>('SELECT delivery_key, notification_id, address, status FROM notify_delivery')
    ).rows;
  } finally {
    await c.end();
  }
}

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('a 50-unit campaign on the production topology, with a worker and an API killed mid-way', () => {
  it('ends as a fault-free run ends, and every notification arrives exactly once', async () => {
    const bytesBefore = await databaseBytes(topology.postgres.url, [
      'temporal',
      'temporal_visibility',
      'campaign',
    ]);
    const cpuBefore = topology.workers.map((w) => cpuSeconds(w.pid));
    for (const t of await launchThroughApi1()) tokens.set(t.personId, t.token);
    lap('launched');
    const api = createApiClient(topology.apiUrls);
    const driver = startDriver(
      {
        apiUrls: topology.apiUrls,
        campaignId: CAMPAIGN,
        unitIds: roster.unitIds,
        tokens,
        groupOf: roster.groupOf,
      },
      api,
    );

    // Mid-way: 100 of the 250 operations (submits and reviews) done — units move in step, so
    // counting finished units would wait for nearly all of them. Kill at a quiet instant of the
    // delivery log if one comes within 5 s (a mail handed to SMTP but not yet recorded is, by
    // design, left 'uncertain').
    await until('100 operations', 300_000, () => (api.counts.operations >= 100 ? true : undefined));
    await until('a quiet delivery log', 5_000, async () =>
      (await deliveryRows()).every((r) => r.status !== 'sending') ? true : undefined,
    ).catch(() => undefined);
    const [worker1, api1] = [topology.workers[0]!, topology.apis[0]!];
    worker1.kill('SIGKILL');
    api1.kill('SIGKILL');
    expect((await worker1.exited()).signal).toBe('SIGKILL');
    expect((await api1.exited()).signal).toBe('SIGKILL');
    lap('killed worker-1 and api-1');
    const doneAtKill = driver.done.size;
    const operationsWhenKilled = api.counts.operations;
    await new Promise((r) => setTimeout(r, 3_000));
    worker1.start();
    api1.start();
    await Promise.all([worker1.waitReady(), api1.waitReady()]);
    lap('restarted');

    await until('every unit completed', 600_000, () => (driver.done.size === UNITS ? true : undefined));
    await driver.stop();
    lap('all units completed');

    // The state a fault-free run reaches: every unit completed, nothing late or escalated.
    const results = await Promise.all(
      roster.unitIds.map(
        (u) =>
          temporal.client.workflow
            .getHandle(unitWorkflowId(CAMPAIGN, u))
            .result() as Promise<UnitCampaignResult>,
      ),
    );
    for (const r of results)
      expect({
        outcome: r.outcome,
        lateTasks: r.lateTasks,
        waivedTasks: r.waivedTasks,
        escalationsSent: r.escalationsSent,
        surveyRounds: r.surveyRounds,
      }).toEqual({
        outcome: 'completed',
        lateTasks: [],
        waivedTasks: [],
        escalationsSent: 0,
        surveyRounds: 0,
      });

    // Deliveries in flight on the killed worker are retried after their heartbeat timeout.
    const rows = await until('every delivery settled', 420_000, async () => {
      const r = (await deliveryRows()).filter((x) => x.notification_id.startsWith(`campaign/${CAMPAIGN}/`));
      return r.length > 0 && r.every((x) => !['sending', 'retrying', 'deferred'].includes(x.status))
        ? r
        : undefined;
    });
    lap('deliveries settled');
    const sent = rows.filter((r) => r.status === 'sent');
    const uncertain = rows.filter((r) => r.status === 'uncertain');
    expect(rows.filter((r) => r.status === 'failed')).toEqual([]);
    expect(sent.length + uncertain.length).toBe(rows.length);

    // The SMTP server: each (notification, recipient) once, none the log does not know. A mail that
    // bundles several notifications for one person lists every id (activities/notify/bundle.ts).
    const receivedPairs = () => {
      const pairs = new Map<string, number>();
      for (const m of mailbox.messages()) {
        const header = m.headers.get('x-campaign-notification');
        const ids = typeof header === 'string' ? header.split(',').map((id) => id.trim()) : [''];
        const to = (Array.isArray(m.to) ? m.to : [m.to])
          .flatMap((a) => a?.value ?? [])
          .map((v) => v.address ?? '');
        for (const id of ids)
          for (const address of to) pairs.set(`${id} ${address}`, (pairs.get(`${id} ${address}`) ?? 0) + 1);
      }
      return pairs;
    };
    await until('the mailbox to hold every sent delivery', 60_000, () => {
      const got = receivedPairs();
      return sent.every((r) => got.has(`${r.notification_id} ${r.address}`)) ? true : undefined;
    });
    const received = receivedPairs();
    const duplicated = [...received].filter(([, n]) => n > 1);
    expect(duplicated).toEqual([]);
    const logged = new Set(rows.map((r) => `${r.notification_id} ${r.address}`));
    expect([...received.keys()].filter((k) => !logged.has(k))).toEqual([]);
    const lost = sent.filter((r) => !received.has(`${r.notification_id} ${r.address}`));
    expect(lost).toEqual([]);
    // An uncertain delivery is never resent: it reached the recipient at most once, and the office sees it.
    for (const u of uncertain)
      expect(received.get(`${u.notification_id} ${u.address}`) ?? 0).toBeLessThanOrEqual(1);

    // The workflows' own count of notifications and the log agree unit by unit: every unit ran the
    // same script, so each has the same (count, distinct notifications delivered). The count also
    // includes notices nobody had an address for, hence a pair rather than equality.
    const sentIdsPerUnit = new Map<string, Set<string>>();
    for (const r of sent) {
      const unit = parseNotificationId(r.notification_id).unitId ?? '';
      sentIdsPerUnit.set(unit, (sentIdsPerUnit.get(unit) ?? new Set()).add(r.notification_id));
    }
    const uncertainUnits = new Set(uncertain.map((u) => parseNotificationId(u.notification_id).unitId));
    const pairs = new Set(
      results
        .filter((r) => !uncertainUnits.has(r.unitId))
        .map((r) => `${r.notificationsSent}/${sentIdsPerUnit.get(r.unitId)?.size ?? 0}`),
    );
    expect([...pairs]).toHaveLength(1);

    const office = tokens.get('office')!;
    const problems = await Promise.all(
      topology.apiUrls.map((u) =>
        fetch(`${u}/api/campaigns/${CAMPAIGN}/notification-problems`, {
          headers: { authorization: `Bearer ${office}` },
        }).then((r) => r.json() as Promise<{ problems: unknown[] }>),
      ),
    );
    expect(problems[0]).toEqual(problems[1]);
    expect(problems[0]!.problems).toHaveLength(uncertain.length);

    const history = await historyNumbers(
      temporal.client,
      roster.unitIds.map((u) => unitWorkflowId(CAMPAIGN, u)),
    );
    const bytesAfter = await databaseBytes(topology.postgres.url, [
      'temporal',
      'temporal_visibility',
      'campaign',
    ]);
    // Lower bound: the killed worker-1's share died with it (the restarted one's start-up is counted).
    const workerCpu = topology.workers.reduce((sum, w) => sum + cpuSeconds(w.pid), 0) - (cpuBefore[1] ?? 0);
    process.stderr.write(
      `[production] ${JSON.stringify({
        eventsPerUnit: history.eventsPerUnit,
        actionsPerUnit: history.actionsPerUnit,
        eventTypes: history.byType,
        dbBytesPerUnit: Object.fromEntries(
          Object.keys(bytesAfter).map((k) => [k, Math.round((bytesAfter[k]! - bytesBefore[k]!) / UNITS)]),
        ),
        workerCpuSecondsPerUnitAtLeast: Math.round((workerCpu / UNITS) * 1000) / 1000,
        units: UNITS,
        unitsDoneWhenKilled: doneAtKill,
        operationsWhenKilled,
        deliveries: rows.length,
        sent: sent.length,
        uncertain: uncertain.length,
        received: [...received.values()].reduce((a, n) => a + n, 0),
        mails: mailbox.messages().length,
        duplicated: duplicated.length,
        lost: lost.length,
        apiRequests: api.counts.perApi,
        failedOver: api.counts.failedOver,
        notificationsPerUnit: [...pairs][0],
        operations: api.counts.operations,
        secondsSinceStart: timings,
      })}\n`,
    );
  });

  it('tokens, progress and problems are shared: one replica issues or revokes, the other honours it on the next request', async () => {
    const [a, b] = topology.apiUrls as [string, string];
    const office = tokens.get('office')!;
    const get = (base: string, p: string, token: string) =>
      fetch(`${base}${p}`, { headers: { authorization: `Bearer ${token}` } });

    // Issued by API 1 at the launch, honoured by API 2.
    expect(
      (await (await get(b, '/api/me', tokens.get('P07-liaison')!)).json()) as { unitId: string },
    ).toMatchObject({ unitId: 'P07' });
    const revoke = await fetch(`${b}/api/campaigns/${CAMPAIGN}/tokens/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${office}`, 'content-type': 'application/json' },
      body: JSON.stringify({ personId: 'P07-liaison', reason: '测试作废' }),
    });
    expect(await revoke.json()).toEqual({ revoked: 1 });
    const refused = await get(a, '/api/me', tokens.get('P07-liaison')!);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toContain('作废（测试作废）');

    const [pa, pb] = await Promise.all(
      [a, b].map((u) =>
        get(u, `/api/campaigns/${CAMPAIGN}/progress`, office).then(
          (r) => r.json() as Promise<{ samples: unknown[] }>,
        ),
      ),
    );
    expect(pa).toEqual(pb);
    const metrics = await (await fetch(`${a}/metrics`)).text();
    expect(metrics).toMatch(/campaign_api_refusals_total\{status="401",reason="revoked_token"\} [1-9]/);
    const workerMetrics = await (
      await fetch(`http://127.0.0.1:${topology.workers[1]!.spec.env.WORKER_HTTP_PORT}/metrics`)
    ).text();
    expect(workerMetrics).toMatch(/campaign_notifications_sent_total\{[^}]*channel="email"[^}]*\} [1-9]/);
    expect(workerMetrics).toContain('temporal_workflow_task_execution_latency');
    // The health monitor scanned the campaign while it ran: nothing stuck (流程异常) in a healthy run.
    expect(workerMetrics).toMatch(
      new RegExp(`campaign_stuck_units\\{[^}]*campaign="${CAMPAIGN}"[^}]*\\} 0\\b`),
    );
  });
});
