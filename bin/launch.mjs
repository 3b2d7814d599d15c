// Starts one of the project's entry points (the CLI, the worker, the API replica) the fast way when
// it can: the compiled JavaScript in dist/ run by node itself, but only while that build is newer
// than every source file (dist/cli-help.json, written last by `npm run build`, is its stamp). A
// missing, failed or older build runs the TypeScript sources through tsx instead, so a checkout
// never runs stale compiled code; `npm run build` (also run by `npm install` and `npm test`)
// brings the fast path back.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
export const stampFile = path.join(root, 'dist', 'cli-help.json');
/** What the compiled entry points are built from (tests and benchmarks are not). */
const SOURCE_DIRS = [
  'app',
  'activities',
  'workflows',
  'worker',
  'client',
  'domain',
  'config',
  'db',
  'deploy',
  'toolchain',
];
const SOURCE_FILES = ['tsconfig.json', 'package.json'];

/** Newest modification time (ms) of a TypeScript source or of the build's configuration. */
export function newestSourceMs(base = root) {
  let newest = 0;
  const visit = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist') visit(path.join(dir, e.name));
      } else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(path.join(dir, e.name)).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) if (existsSync(path.join(base, d))) visit(path.join(base, d));
  for (const f of SOURCE_FILES)
    if (existsSync(path.join(base, f))) newest = Math.max(newest, statSync(path.join(base, f)).mtimeMs);
  return newest;
}

/** True when dist/ holds a complete build made after the last change to any source. */
export function compiledIsCurrent(base = root) {
  const stamp = path.join(base, 'dist', 'cli-help.json');
  if (process.env.CAMPAIGN_FROM_SOURCE === '1' || !existsSync(stamp)) return false;
  return statSync(stamp).mtimeMs > newestSourceMs(base);
}

/** Runs `<entry>.ts` (e.g. 'client/cli'), compiled when current, else from source; in this process either way. */
export async function launch(entry) {
  if (compiledIsCurrent()) {
    await import(pathToFileURL(path.join(root, 'dist', `${entry}.js`)).href);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, `${entry}.ts`)).href);
}
