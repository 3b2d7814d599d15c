/**
 * What the application image runs: `node <compiled entry>` (Dockerfile ENTRYPOINT ["node"], the
 * compose service's `command:` the module). `npm run stack` and the production tests start the
 * same compiled modules the same way while the build is current (bin/launch.mjs decides, as for
 * the CLI), and the TypeScript sources through tsx otherwise, so a checkout never runs stale code.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../toolchain/paths.js';

/** The image's entry modules, by the service kind that runs them. */
export const ENTRYPOINTS = {
  worker: 'worker/main',
  api: 'client/api/main',
} as const;
export type ServiceKind = keyof typeof ENTRYPOINTS;

/** The container's `command:` for this kind of service (the compiled module). */
export const composeCommand = (kind: ServiceKind): string[] => [`dist/${ENTRYPOINTS[kind]}.js`];

/**
 * Node's arguments for this kind of service on this checkout: the container's own when dist/ is
 * current, else the source through tsx (with `compiled: false`, so callers can say so).
 */
export async function nodeArguments(kind: ServiceKind): Promise<{ args: string[]; compiled: boolean }> {
  // Loaded by path: compiled, this module lives in dist/deploy, the launcher stays in bin/.
  const launcher = (await import(pathToFileURL(path.join(repoRoot, 'bin', 'launch.mjs')).href)) as {
    compiledIsCurrent: () => boolean;
  };
  if (launcher.compiledIsCurrent()) return { args: composeCommand(kind), compiled: true };
  return { args: ['--import', 'tsx', `${ENTRYPOINTS[kind]}.ts`], compiled: false };
}
