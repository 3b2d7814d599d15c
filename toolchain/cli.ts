/**
 * `npm run toolchain`: fetches/builds what tests and the demo need, once, into the cache.
 * Runs before `npm test` so the first test does not time out waiting for a build.
 */
import { ensureTemporalCli } from './temporal-cli.js';
import { ensureTestServer } from './test-server.js';
import { ensureMinio } from './minio.js';
import { startBackgroundBuild, temporalServerBuildLog, TEMPORAL_SERVER_VERSION } from './temporal-server.js';
import { ToolchainError } from './run-command.js';

async function main(): Promise<void> {
  const started = Date.now();
  // Only `npm run stack` and the production tests (which run last) need the real server: its first
  // build runs in the background at low priority while everything else is set up and tested.
  if (await startBackgroundBuild()) {
    console.log(
      `[toolchain] Temporal 服务器 ${TEMPORAL_SERVER_VERSION}：在后台以低优先级构建（生产形态测试最后运行，届时等待它完成；输出见 ${temporalServerBuildLog}）`,
    );
  }
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
