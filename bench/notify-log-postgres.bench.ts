/**
 * The delivery log's cost per message on PostgreSQL (the store several workers share), next to
 * SQLite's in notify.bench.ts: claim + sent, sequential (the cost on one delivery's critical path)
 * and with 20 deliveries in flight (what a busy worker sees). Uses an ephemeral local server
 * (toolchain/postgres.ts). Run: npx tsx bench/notify-log-postgres.bench.ts [count]
 */
import { cpus, totalmem } from 'node:os';
import { openPostgresDeliveryLog } from '../activities/notify/log/postgres-delivery-log.js';
import type { DeliveryLog } from '../activities/notify/log/delivery-log.js';
import { startEphemeralPostgres } from '../toolchain/postgres.js';

const count = Number(process.argv[2] ?? 1000);
const concurrency = 20;

async function claimAndSend(log: DeliveryLog, key: string): Promise<void> {
  const claim = await log.claim({
    deliveryKey: key,
    notificationId: key,
    channel: 'email',
    event: 'reminder',
    role: 'liaison',
    recipientName: '张明',
    address: 'a@b.cn',
    claimToken: `t-${key}`,
    now: new Date(),
    leaseMs: 120_000,
  });
  if (claim.kind !== 'claimed') throw new Error(`${key}: expected a fresh claim, got ${claim.kind}`);
  await log.markSent({
    deliveryKey: key,
    claimToken: `t-${key}`,
    now: new Date(),
    providerMessageId: `<m.${key}>`,
  });
}

// Durable like a production server (fsync, synchronous commit), unlike the tests' throw-away one.
const server = await startEphemeralPostgres({ durable: true });
try {
  const log = await openPostgresDeliveryLog(await server.createDatabase());
  try {
    let t = performance.now();
    for (let i = 0; i < count; i++) await claimAndSend(log, `seq/${i}`);
    const sequentialMs = (performance.now() - t) / count;

    let next = 0;
    t = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) await claimAndSend(log, `par/${next++}`);
      }),
    );
    const concurrentMs = (performance.now() - t) / count;

    console.log(
      `machine: ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}`,
    );
    console.log(
      `PostgreSQL delivery log, ${count} deliveries (claim + sent, 2 transactions each, local server, fsync and synchronous commit on):`,
    );
    console.log(`  sequential:            ${sequentialMs.toFixed(3)} ms per message`);
    console.log(
      `  ${concurrency} in flight:         ${concurrentMs.toFixed(3)} ms per message (wall clock / count)`,
    );
  } finally {
    await log.close();
  }
} finally {
  await server.stop();
}
