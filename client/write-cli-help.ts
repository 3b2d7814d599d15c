/**
 * Writes dist/cli-help.json (client/cli-help.ts) from the full command tree; run by `npm run build`
 * after tsc, from the compiled copy. The file doubles as the build's stamp: bin/launch.mjs runs the
 * compiled code only while it is newer than every source file.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { repoRoot } from '../toolchain/paths.js';
import { HELP_FILE, type HelpPages } from './cli-help.js';
import { AREAS, newProgram } from './program.js';

export async function helpPages(): Promise<HelpPages> {
  const program = newProgram();
  for (const area of AREAS) (await area.load())(program);
  const pages: Record<string, string> = {};
  const visit = (c: Command, names: string[]) => {
    pages[names.join(' ')] = c.helpInformation();
    for (const sub of c.commands)
      for (const name of [sub.name(), ...sub.aliases()]) visit(sub, [...names, name]);
  };
  visit(program, []);
  return { pages };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const file = path.join(repoRoot, 'dist', HELP_FILE);
  writeFileSync(file, JSON.stringify(await helpPages()));
  console.log(`已写入命令帮助 ${path.relative(repoRoot, file)}`);
}
