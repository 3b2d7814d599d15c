#!/usr/bin/env node
// `campaign …` (npx campaign, npm run campaign): the compiled CLI when the build is current, else the
// TypeScript sources through tsx (bin/launch.mjs). A plain help request is answered from the pages
// the build wrote, without loading the program.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compiledIsCurrent, launch, root, stampFile } from './launch.mjs';

const args = process.argv.slice(2);
if (compiledIsCurrent() && (args.includes('--help') || args.includes('-h') || args[0] === 'help')) {
  const { helpPageFor } = await import(pathToFileURL(path.join(root, 'dist', 'client', 'cli-help.js')).href);
  const page = helpPageFor(args, JSON.parse(readFileSync(stampFile, 'utf8')));
  if (page !== undefined) {
    process.stdout.write(page);
    process.exit(0);
  }
}
await launch('client/cli');
