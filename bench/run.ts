/**
 * `npm run bench [name…]`: runs every bench/*.bench.ts (or the named ones) one after another, so
 * they do not compete for the machine's two cores. Each prints its own numbers; record them with
 * the command and the machine (`nproc`, `free -h`, Node version) in the issue note.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

console.log(
  `机器：${os.cpus().length} 核 ${os.cpus()[0]?.model ?? ''}，内存 ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB，Node ${process.version}`,
);
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file)], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
