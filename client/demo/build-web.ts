/**
 * Builds the web console (web/ → web/dist/) with Vite, and skips the build when the sources are
 * unchanged since the last one (a hash of every input file is kept in web/dist/.source-hash).
 * `npm run build:web`, `npm start` and the browser tests all come through here.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../toolchain/paths.js';

export const webRoot = path.join(repoRoot, 'web');
export const webDist = path.join(webRoot, 'dist');
const HASH_FILE = path.join(webDist, '.source-hash');
/** Files outside web/ the bundle imports (values, not only types). */
const SHARED_INPUTS = [
  'domain/unit-types.ts',
  'client/api/wire/delivery-problems.ts',
  'activities/notify/log/delivery-log.ts',
  'package-lock.json',
];

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}

export async function sourceHash(): Promise<string> {
  const files = [...(await listFiles(webRoot)), ...SHARED_INPUTS.map((f) => path.join(repoRoot, f))].sort();
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(path.relative(repoRoot, f));
    hash.update(await readFile(f));
  }
  return hash.digest('hex');
}

export async function buildWeb(
  options: { force?: boolean; log?: (line: string) => void } = {},
): Promise<{ built: boolean; ms: number }> {
  const t0 = Date.now();
  const hash = await sourceHash();
  if (!options.force && existsSync(HASH_FILE) && (await readFile(HASH_FILE, 'utf8')).trim() === hash) {
    return { built: false, ms: Date.now() - t0 };
  }
  options.log?.('构建网页控制台（web/ → web/dist/）……');
  const { build } = await import('vite');
  await build({
    root: webRoot,
    configFile: false,
    base: '/',
    logLevel: 'warn',
    // Preact's JSX through esbuild directly: no framework plugin needed.
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: { outDir: webDist, emptyOutDir: true, target: 'es2020', chunkSizeWarningLimit: 400 },
  });
  await writeFile(HASH_FILE, `${hash}\n`);
  return { built: true, ms: Date.now() - t0 };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const force = process.argv.includes('--force');
  const r = await buildWeb({ force, log: (l) => console.log(`[web] ${l}`) });
  console.log(
    r.built ? `[web] 已构建，用时 ${(r.ms / 1000).toFixed(1)} 秒` : '[web] 源文件未变，沿用已有的 web/dist/',
  );
}
