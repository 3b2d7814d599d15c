/** The background build `startBackgroundBuild()` runs (detached, lowest priority); output goes to its log file. */
import { lowerOwnPriority, type BackgroundTool } from './background-build.js';
import { ensureMinio, minioLock } from './minio.js';
import { ensureTemporalServer, temporalServerLock } from './temporal-server.js';

lowerOwnPriority();
const tools = process.argv.slice(2) as BackgroundTool[];
// Both locks at once, so a test that needs the server while MinIO builds waits instead of building it too.
const held = {
  minio: tools.includes('minio') && (await minioLock.take()),
  server: tools.includes('temporal-server') && (await temporalServerLock.take()),
};
const log = (line: string) => console.log(`[toolchain] ${line}`);
let failed = false;
for (const [tool, build] of [
  ['MinIO', held.minio ? () => ensureMinio({ lockHeld: true, log }) : undefined],
  [
    'Temporal 服务器',
    held.server ? async () => (await ensureTemporalServer({ lockHeld: true, log })).server : undefined,
  ],
] as const) {
  if (!build) continue;
  const started = Date.now();
  try {
    log(`${tool} 就绪：${await build()}（用时 ${Math.round((Date.now() - started) / 1000)} 秒）`);
  } catch (e) {
    failed = true;
    log((e as Error).message);
  }
}
process.exitCode = failed ? 1 : 0;
