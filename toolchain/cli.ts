/**
 * `npm run toolchain`: fetches/builds what tests and the demo need, once, into the cache.
 * Runs before `npm test` so the first test does not time out waiting for a build.
 */
import { ensureTemporalCli } from './temporal-cli.js';
import { ensureTestServer } from './test-server.js';
import { ensureMinio } from './minio.js';
import { ToolchainError } from './run-command.js';

async function main(): Promise<void> {
  const started = Date.now();
  if (process.env.TEMPORAL_ADDRESS) {
    console.log(`[toolchain] 使用已有的 Temporal 服务：${process.env.TEMPORAL_ADDRESS}（不构建开发服务器）`);
  } else {
    console.log(`[toolchain] Temporal CLI：${await ensureTemporalCli()}`);
  }
  console.log(`[toolchain] 时间跳跃测试服务器：${await ensureTestServer()}`);
  // S3-compatible storage for the upload-store tests (uploads can live in any S3-compatible store).
  console.log(`[toolchain] MinIO（S3 兼容存储）：${await ensureMinio()}`);
  console.log(`[toolchain] 就绪，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ToolchainError ? `[toolchain] ${err.message}` : err);
  process.exit(1);
});
