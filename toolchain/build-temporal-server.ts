/** The background build `startBackgroundBuild()` runs (detached, low priority); output goes to its log file. */
import { ensureTemporalServer } from './temporal-server.js';

const started = Date.now();
try {
  const b = await ensureTemporalServer({ log: (line) => console.log(line) });
  console.log(
    `[toolchain] Temporal 服务器就绪：${b.server}（用时 ${Math.round((Date.now() - started) / 1000)} 秒）`,
  );
} catch (e) {
  console.error(`[toolchain] ${(e as Error).message}`);
  process.exitCode = 1;
}
