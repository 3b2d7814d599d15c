/**
 * The product's production topology on one machine, without containers: PostgreSQL, the real
 * Temporal server on it, MinIO for uploads, two workers and two API replicas on one task queue and
 * one database, mail to a loopback SMTP server. The workers and APIs run the entrypoints the image
 * runs, with the variables docker-compose.yml gives them (deploy/env.ts builds both lists).
 * `npm run stack` keeps it in .data/stack; the production tests build one in a temp folder.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { nodeArguments } from '../../deploy/entrypoints.js';
import { apiEnvironment, workerEnvironment } from '../../deploy/env.js';
import { startEphemeralPostgres, type EphemeralPostgres } from '../../toolchain/postgres.js';
import { startMinio, type LocalS3 } from '../../toolchain/minio.js';
import {
  prepareNamespace,
  setupTemporalSchema,
  startTemporalServer,
  type TemporalServerProcess,
} from '../../toolchain/temporal-cluster.js';
import { ensureTemporalServer } from '../../toolchain/temporal-server.js';
import { Service } from './service.js';

export interface TopologyPorts {
  postgres: number;
  temporal: number;
  minio: number;
  apis: number[];
  workers: number[];
}

export interface TopologyOptions {
  dataDir: string;
  ports: TopologyPorts;
  campaignId: string;
  taskQueue: string;
  smtpPort: number;
  officeName: string;
  mailFrom: string;
  /** Prebundled workflow code the workers load (as the image does). */
  workflowBundle: string;
  /** Extra variables for every worker (e.g. a shorter claim lease in tests). */
  workerEnv?: Record<string, string>;
  log: (line: string) => void;
  onServiceLine?: (service: string, line: string) => void;
}

export interface Topology {
  postgres: EphemeralPostgres;
  databaseUrl: string;
  temporal: TemporalServerProcess;
  temporalAddress: string;
  s3: LocalS3;
  bucket: string;
  plansDir: string;
  workers: Service[];
  apis: Service[];
  apiUrls: string[];
  /** Stops the Temporal server, waits `downMs`, starts it again on the same ports and database (fault tests). */
  restartTemporal(downMs: number): Promise<void>;
  /** Stops PostgreSQL (fast shutdown: every connection is cut), waits `downMs`, starts it on the same data. */
  restartPostgres(downMs: number): Promise<void>;
  close(): Promise<void>;
}

const APP_DATABASE = 'campaign';
export const BUCKET = 'campaign-uploads';

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
}

async function ensureBucket(s3: LocalS3, bucket: string): Promise<void> {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw e;
  } finally {
    client.destroy();
  }
}

/** Starts everything in dependency order (what `depends_on: service_healthy` says in the compose file). */
export async function startTopology(o: TopologyOptions): Promise<Topology> {
  const stops: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const s of stops.splice(0).reverse())
      await s().catch((e: unknown) => o.log(`停止时出错：${(e as Error).message}`));
  };
  try {
    const postgresOptions = {
      dataDir: path.join(o.dataDir, 'postgres'),
      port: o.ports.postgres,
      durable: true,
      ownProcessGroup: true,
      // Every process keeps pools (Temporal ~30, each worker and API ~20–30): more than the default 100.
      settings: { max_connections: 300 },
      onLog: (l: string) =>
        /PANIC|FATAL(?!:\s+(the database system is|terminating connection))/.test(l) &&
        o.log(`[postgres] ${l}`),
    };
    const [binaries, firstPostgres] = await Promise.all([
      ensureTemporalServer({ log: o.log }),
      startEphemeralPostgres(postgresOptions),
    ]);
    let postgres = firstPostgres;
    stops.push(() => postgres.stop());
    const target = { host: '127.0.0.1', port: o.ports.postgres, user: 'postgres' };
    await setupTemporalSchema(binaries, target, o.log);
    await ensureDatabase(postgres.url, APP_DATABASE);
    const databaseUrl = `postgres://postgres@127.0.0.1:${o.ports.postgres}/${APP_DATABASE}`;

    const temporalOptions = {
      binaries,
      postgres: target,
      dir: path.join(o.dataDir, 'temporal'),
      port: o.ports.temporal,
      onLog: (l: string) => /"level":"(fatal|panic)"/.test(l) && o.log(`[temporal] ${l}`),
    };
    const [firstTemporal, s3] = await Promise.all([
      startTemporalServer(temporalOptions),
      startMinio({
        dataDir: path.join(o.dataDir, 'minio'),
        port: o.ports.minio,
        ownProcessGroup: true,
        credentials: { accessKeyId: 'campaign', secretAccessKey: 'campaign-stack-secret' },
      }),
    ]);
    let temporal = firstTemporal;
    stops.push(
      () => temporal.stop(),
      () => s3.stop(),
    );
    await Promise.all([prepareNamespace(temporal.address, 'default'), ensureBucket(s3, BUCKET)]);

    const plansDir = path.join(o.dataDir, 'plans');
    await mkdir(plansDir, { recursive: true });
    const [worker, api] = await Promise.all([nodeArguments('worker'), nodeArguments('api')]);
    if (!worker.compiled)
      o.log('编译结果不是最新的：worker 与 API 从 TypeScript 源码运行（npm run build 后与容器一致）');
    const shared = { temporalAddress: temporal.address, taskQueue: o.taskQueue, databaseUrl, plansDir };
    const workers = o.ports.workers.map(
      (port, i) =>
        new Service({
          name: `worker-${i + 1}`,
          nodeArgs: worker.args,
          env: {
            ...workerEnvironment({
              ...shared,
              httpPort: port,
              smtpHost: '127.0.0.1',
              smtpPort: o.smtpPort,
              officeName: o.officeName,
              mailFrom: o.mailFrom,
              workflowBundle: o.workflowBundle,
            }),
            ...o.workerEnv,
          },
          readyUrl: `http://127.0.0.1:${port}/readyz`,
          ...(o.onServiceLine ? { onLine: o.onServiceLine } : {}),
        }),
    );
    const apis = o.ports.apis.map(
      (port, i) =>
        new Service({
          name: `api-${i + 1}`,
          nodeArgs: api.args,
          env: apiEnvironment({
            ...shared,
            port,
            campaignId: o.campaignId,
            s3: {
              endpoint: s3.endpoint,
              bucket: BUCKET,
              accessKeyId: s3.accessKeyId,
              secretAccessKey: s3.secretAccessKey,
            },
          }),
          readyUrl: `http://127.0.0.1:${port}/readyz`,
          ...(o.onServiceLine ? { onLine: o.onServiceLine } : {}),
        }),
    );
    const services = [...workers, ...apis];
    for (const s of services) s.start();
    // All drain at once (APIs finish requests, workers their activities), before Temporal and the database go.
    stops.push(() => Promise.all(services.map((s) => s.stop())));
    await Promise.all([...workers, ...apis].map((s) => s.waitReady()));
    return {
      databaseUrl,
      temporalAddress: temporal.address,
      s3,
      bucket: BUCKET,
      plansDir,
      workers,
      apis,
      apiUrls: o.ports.apis.map((p) => `http://127.0.0.1:${p}`),
      get temporal() {
        return temporal;
      },
      get postgres() {
        return postgres;
      },
      async restartTemporal(downMs) {
        await temporal.stop();
        await new Promise((r) => setTimeout(r, downMs));
        temporal = await startTemporalServer(temporalOptions);
      },
      async restartPostgres(downMs) {
        await postgres.stop();
        await new Promise((r) => setTimeout(r, downMs));
        postgres = await startEphemeralPostgres(postgresOptions);
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
