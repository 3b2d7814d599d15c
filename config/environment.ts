/**
 * The one way every entrypoint (CLI, API, worker, stack) reads its configuration: the process
 * environment, with a `.env` file filling in what the environment leaves unset. The file is
 * `CAMPAIGN_ENV_FILE` if set, else `.env` in the working directory; a missing default file is not an
 * error, a missing named one is. Variables already in the environment always win, so an operator
 * (or a container's `environment:`) can override any line of the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

export interface LoadedEnvFile {
  /** The file read, if any. */
  file?: string;
  /** Names taken from the file (not those the environment already had). */
  applied: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置有误：\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

let loaded: LoadedEnvFile | undefined;

/**
 * Reads the `.env` file into `env` (default `process.env`) once per process; later calls return
 * what the first one did. `reload` is for tests.
 */
export function loadEnvFile(
  o: { env?: NodeJS.ProcessEnv; cwd?: string; reload?: boolean } = {},
): LoadedEnvFile {
  if (loaded && !o.reload) return loaded;
  const env = o.env ?? process.env;
  const named = env.CAMPAIGN_ENV_FILE?.trim();
  const file = path.resolve(o.cwd ?? process.cwd(), named || '.env');
  if (!existsSync(file)) {
    if (named) throw new ConfigError([`CAMPAIGN_ENV_FILE：找不到配置文件 ${file}`]);
    loaded = { applied: [] };
    return loaded;
  }
  let values: NodeJS.Dict<string>;
  try {
    values = parseEnv(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError([`${file}：无法读取（${(e as Error).message}）`]);
  }
  const applied: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || env[name] !== undefined) continue;
    env[name] = value;
    applied.push(name);
  }
  loaded = { file, applied };
  return loaded;
}
