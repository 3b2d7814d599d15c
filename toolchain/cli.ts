/**
 * `npm run toolchain`: fetches/builds what tests and the demo need, once, into the cache.
 * Runs before `npm test` so the first test does not time out waiting for a build.
 */
import { ensureTemporalCli } from './temporal-cli.js';
import { ensureTestServer } from './test-server.js';
import { startBackgroundBuild } from './background-build.js';
import { backgroundBuildLog } from './background-log.js';
import { TEMPORAL_SERVER_VERSION } from './temporal-server.js';
import { ToolchainError } from './run-command.js';

async function main(): Promise<void> {
  const started = Date.now();
  // MinIO (S3 tests) and the real server (`npm run stack`, the production tests, which run last) are
  // built in the background at the lowest priority while everything else is set up and tested.
  const background = await startBackgroundBuild();
  if (background.length > 0) {
    const names = background.map((t) =>
      t === 'minio' ? 'MinIO' : `Temporal 服务器 ${TEMPORAL_SERVER_VERSION}`,
    );
    console.log(
      `[toolchain] ${names.join('、')}：在后台以最低优先级构建（用到它们的测试届时等待构建完成；输出见 ${backgroundBuildLog}）`,
    );
  }
  if (process.env.TEMPORAL_ADDRESS) {
    console.log(`[toolchain] 使用已有的 Temporal 服务：${process.env.TEMPORAL_ADDRESS}（不构建开发服务器）`);
  } else {
    console.log(`[toolchain] Temporal CLI：${await ensureTemporalCli()}`);
  }
  console.log(`[toolchain] 时间跳跃测试服务器：${await ensureTestServer()}`);
  console.log(`[toolchain] 就绪，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ToolchainError ? `[toolchain] ${err.message}` : err);
  process.exit(1);
});
