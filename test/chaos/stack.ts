/**
 * The fault campaign's stack: the production topology (client/stack/topology.ts: PostgreSQL, the
 * real Temporal server, MinIO, two workers, two APIs) for the campaign under fault, and beside it,
 * on the same Temporal server and database, the fault-free twin: its own task queue, one worker and
 * one API nobody kills, its own loopback SMTP server and SMS gateway. Each run's mail and SMS land
 * in its own receivers, so a refusal or an outage reaches only the run under fault.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { migrateApiState } from '../../client/api/state-migrations.js';
import { PostgresTokenStore } from '../../client/api/token-store-postgres.js';
import { issueTokens, type IssuedToken } from '../../client/api/tokens.js';
import { Service } from '../../client/stack/service.js';
import { startTopology, type Topology } from '../../client/stack/topology.js';
import { nodeArguments } from '../../deploy/entrypoints.js';
import { apiEnvironment, workerEnvironment } from '../../deploy/env.js';
import { openPool } from '../../db/pool.js';
import { startMailbox, type Mailbox } from '../../toolchain/mailbox.js';
import { freePort } from '../../toolchain/ports.js';
import { freeLowPort } from '../../toolchain/temporal-cluster.js';
import { writeWorkflowBundle } from '../../worker/bundle.js';
import { startHttpReceiver, type HttpReceiver } from '../unit/notify/support/http-receiver.js';

export const OFFICE = {
  name: '区学习实践活动办公室',
  members: [{ id: 'office', name: '孙主任', email: 'office@xuexi.example.gov.cn' }],
};

/** A loopback SMS gateway (SMS_PROVIDER=http) that can answer 503 for a stretch. */
export interface SmsGateway {
  url: string;
  /** Accepted requests by Idempotency-Key (smsOutId of the delivery key). */
  accepted(): Map<string, number>;
  /** When each accepted request came (ms since epoch). */
  arrivals(): number[];
  outage(ms: number): void;
  refusals(): number;
  close(): Promise<void>;
}

async function startSmsGateway(): Promise<SmsGateway> {
  let downUntil = 0;
  let refused = 0;
  const accepted = new Map<string, number>();
  const arrivals: number[] = [];
  const receiver: HttpReceiver = await startHttpReceiver((req) => {
    if (Date.now() < downUntil) {
      refused += 1;
      return { status: 503, json: { ok: false, code: 'unavailable', message: 'gateway overloaded' } };
    }
    const key = String(req.headers['idempotency-key'] ?? '');
    accepted.set(key, (accepted.get(key) ?? 0) + 1);
    arrivals.push(req.at);
    return { json: { ok: true, id: `sms-${accepted.size}` } };
  });
  return {
    url: `${receiver.url}/sms`,
    accepted: () => accepted,
    arrivals: () => arrivals,
    outage: (ms) => void (downUntil = Date.now() + ms),
    refusals: () => refused,
    close: () => receiver.close(),
  };
}

export interface Run {
  name: 'fault' | 'twin';
  campaignId: string;
  apiUrls: string[];
  mailbox: Mailbox;
  sms: SmsGateway;
}

export interface ChaosStack {
  topology: Topology;
  client: Client;
  fault: Run;
  twin: Run;
  bundle: string;
  /** Every worker and API process, the twin's included. */
  services: Service[];
  /** Issues the office token, then launches the campaign through the run's first API. */
  launch(
    run: Run,
    files: { plan: string; units: string; groups: string },
    start: Date,
  ): Promise<IssuedToken[]>;
  close(): Promise<void>;
}

const notifyEnv = (mailbox: Mailbox, sms: SmsGateway) => ({
  SMTP_PORT: String(mailbox.port),
  SMS_PROVIDER: 'http',
  SMS_HTTP_URL: sms.url,
  NOTIFY_OFFICE_HOURS_START: '00:00',
  NOTIFY_OFFICE_HOURS_END: '23:59',
});

export async function startChaosStack(o: {
  faultCampaign: string;
  twinCampaign: string;
  log: (line: string) => void;
}): Promise<ChaosStack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'chaos-'));
  // PostgreSQL runs as its own user (we may be root): it must be able to reach its folder inside.
  await chmod(dir, 0o755);
  const closers: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch((e: unknown) => o.log(String(e)));
  };
  try {
    const [faultMail, twinMail, faultSms, twinSms] = await Promise.all([
      startMailbox(),
      startMailbox(),
      startSmsGateway(),
      startSmsGateway(),
    ]);
    closers.push(
      () => faultMail.close(),
      () => twinMail.close(),
      () => faultSms.close(),
      () => twinSms.close(),
    );
    const bundle = path.join(dir, 'workflow-bundle.js');
    await writeWorkflowBundle(bundle);
    const onServiceLine = (service: string, line: string) =>
      /\bERROR\b|error:/.test(line) && o.log(`[${service}] ${line.slice(0, 300)}`);
    const topology = await startTopology({
      dataDir: dir,
      ports: {
        postgres: await freePort(),
        temporal: await freeLowPort(new Set()),
        minio: await freePort(),
        apis: [await freePort(), await freePort()],
        workers: [await freePort(), await freePort()],
      },
      campaignId: o.faultCampaign,
      taskQueue: 'campaign',
      smtpPort: faultMail.port,
      officeName: OFFICE.name,
      mailFrom: `${OFFICE.name} <${OFFICE.members[0]!.email}>`,
      workflowBundle: bundle,
      workerEnv: notifyEnv(faultMail, faultSms),
      log: o.log,
      onServiceLine,
    });
    closers.push(() => topology.close());

    // The twin: one worker and one API on a task queue of its own.
    const [workerArgs, apiArgs] = await Promise.all([nodeArguments('worker'), nodeArguments('api')]);
    const shared = {
      temporalAddress: topology.temporalAddress,
      taskQueue: 'campaign-twin',
      databaseUrl: topology.databaseUrl,
      plansDir: topology.plansDir,
    };
    const [workerPort, apiPort] = [await freePort(), await freePort()];
    const twinWorker = new Service({
      name: 'twin-worker',
      nodeArgs: workerArgs.args,
      env: {
        ...workerEnvironment({
          ...shared,
          httpPort: workerPort,
          smtpHost: '127.0.0.1',
          smtpPort: twinMail.port,
          officeName: OFFICE.name,
          mailFrom: `${OFFICE.name} <${OFFICE.members[0]!.email}>`,
          workflowBundle: bundle,
        }),
        ...notifyEnv(twinMail, twinSms),
      },
      readyUrl: `http://127.0.0.1:${workerPort}/readyz`,
      onLine: onServiceLine,
    });
    const twinApi = new Service({
      name: 'twin-api',
      nodeArgs: apiArgs.args,
      env: apiEnvironment({
        ...shared,
        port: apiPort,
        campaignId: o.twinCampaign,
        s3: {
          endpoint: topology.s3.endpoint,
          bucket: topology.bucket,
          accessKeyId: topology.s3.accessKeyId,
          secretAccessKey: topology.s3.secretAccessKey,
        },
      }),
      readyUrl: `http://127.0.0.1:${apiPort}/readyz`,
      onLine: onServiceLine,
    });
    twinWorker.start();
    twinApi.start();
    // Before the topology closes (closers run in reverse): the twin drains while Temporal is up.
    closers.push(() => Promise.all([twinWorker.stop(), twinApi.stop()]));
    await Promise.all([twinWorker.waitReady(), twinApi.waitReady()]);

    const connection = await Connection.connect({ address: topology.temporalAddress });
    closers.push(() => connection.close());
    const fault: Run = {
      name: 'fault',
      campaignId: o.faultCampaign,
      apiUrls: topology.apiUrls,
      mailbox: faultMail,
      sms: faultSms,
    };
    const twin: Run = {
      name: 'twin',
      campaignId: o.twinCampaign,
      apiUrls: [`http://127.0.0.1:${apiPort}`],
      mailbox: twinMail,
      sms: twinSms,
    };
    return {
      topology,
      client: new Client({ connection }),
      fault,
      twin,
      bundle,
      services: [...topology.workers, ...topology.apis, twinWorker, twinApi],
      async launch(run, files, start) {
        const pool = openPool(topology.databaseUrl, { max: 2 });
        const office = issueTokens(run.campaignId, [], OFFICE);
        try {
          await migrateApiState(pool);
          await (await PostgresTokenStore.open(pool, run.campaignId)).importFile(office.store);
        } finally {
          await pool.end();
        }
        const plan = path.join(dir, `${run.name}.yaml`);
        await writeFile(plan, files.plan);
        const form = new FormData();
        form.append('plan', new Blob([await readFile(plan)]), 'chaos_demo.yaml');
        form.append('roster', new Blob([files.units]), 'units.csv');
        form.append('groups', new Blob([files.groups]), 'groups.csv');
        form.append('start', start.toISOString());
        const r = await fetch(`${run.apiUrls[0]}/api/campaigns/${run.campaignId}/start`, {
          method: 'POST',
          headers: { authorization: `Bearer ${office.issued[0]!.token}` },
          body: form,
          signal: AbortSignal.timeout(300_000),
        });
        const body = (await r.json()) as { started?: number; tokens?: IssuedToken[]; message?: string };
        if (r.status !== 200) throw new Error(`${run.name} 启动失败（HTTP ${r.status}）：${body.message}`);
        return [...office.issued, ...(body.tokens ?? [])];
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
