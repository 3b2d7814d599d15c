/**
 * `campaign …`: the office's command line. Each area registers its commands from
 * client/commands/<area>.ts (client/program.ts loads only the one a command needs); output is
 * Chinese, read commands take --json. Run by bin/campaign.mjs, compiled (dist/) or from source.
 */
import { loadEnvFile } from '../config/environment.js';
import { programFor } from './program.js';

// The same configuration as the API and the worker: the environment, then `.env` for what it leaves unset.
try {
  loadEnvFile();
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}

const program = await programFor(process.argv.slice(2));
await program.parseAsync(process.argv);
