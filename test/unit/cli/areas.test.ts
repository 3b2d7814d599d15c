import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledIsCurrent } from '../../../bin/launch.mjs';
import { helpPageFor } from '../../../client/cli-help.js';
import { AREAS, newProgram, programFor } from '../../../client/program.js';
import { helpPages } from '../../../client/write-cli-help.js';

describe('the command line loads only the area a command needs', () => {
  it('each area registers exactly the top-level commands its entry names', async () => {
    for (const area of AREAS) {
      const program = newProgram();
      (await area.load())(program);
      expect(program.commands.map((c) => c.name()).sort(), area.name).toEqual([...area.commands].sort());
    }
  });

  it('a known command gets its own area only; help, typos and no command get every area', async () => {
    expect((await programFor(['status', '--campaign', 'c'])).commands.map((c) => c.name())).toEqual(
      AREAS.find((a) => a.name === 'campaign')!.commands,
    );
    expect((await programFor(['plan', 'check', 'x.yaml'])).commands.map((c) => c.name())).toEqual(['plan']);
    const all = AREAS.flatMap((a) => a.commands);
    for (const argv of [[], ['--help'], ['stauts']])
      expect((await programFor(argv)).commands.map((c) => c.name())).toEqual(all);
  });
});

describe('help pages written by the build', () => {
  it('hold commander’s own page for the program and for every command', async () => {
    const help = await helpPages();
    const program = newProgram();
    for (const area of AREAS) (await area.load())(program);
    expect(help.pages['']).toBe(program.helpInformation());
    const plan = program.commands.find((c) => c.name() === 'plan')!;
    expect(help.pages['plan check']).toBe(plan.commands.find((c) => c.name() === 'check')!.helpInformation());
    for (const key of ['status', 'notify problems', 'archive unit', 'tokens issue', 'tokens list', 'repair'])
      expect(Object.keys(help.pages)).toContain(key);
  });

  it('answer only the plain help forms for a known command', () => {
    const help = { pages: { '': 'P', plan: 'PL', 'plan check': 'PC' } };
    expect(helpPageFor(['--help'], help)).toBe('P');
    expect(helpPageFor(['-h'], help)).toBe('P');
    expect(helpPageFor(['plan', 'check', '--help'], help)).toBe('PC');
    expect(helpPageFor(['help', 'plan'], help)).toBe('PL');
    expect(helpPageFor(['help'], help)).toBe('P');
    // Left to commander: options before --help, unknown commands, no help asked.
    expect(helpPageFor(['plan', 'check', 'x.yaml', '--help'], help)).toBeUndefined();
    expect(helpPageFor(['status', '--campaign', 'c', '--help'], help)).toBeUndefined();
    expect(helpPageFor(['plna', '--help'], help)).toBeUndefined();
    expect(helpPageFor(['plan', 'check'], help)).toBeUndefined();
    expect(helpPageFor(['constructor', '--help'], help)).toBeUndefined();
  });
});

describe('bin/launch.mjs runs compiled code only while it is current', () => {
  const tree = () => {
    const base = mkdtempSync(path.join(tmpdir(), 'launch-'));
    mkdirSync(path.join(base, 'client'), { recursive: true });
    mkdirSync(path.join(base, 'dist'), { recursive: true });
    writeFileSync(path.join(base, 'client', 'cli.ts'), '');
    return base;
  };
  const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

  it('is current when the stamp is newer than every source, stale when a source is newer or the stamp is missing', () => {
    const base = tree();
    expect(compiledIsCurrent(base)).toBe(false); // never built
    writeFileSync(path.join(base, 'dist', 'cli-help.json'), '{}');
    at(path.join(base, 'client', 'cli.ts'), 1_000);
    at(path.join(base, 'dist', 'cli-help.json'), 2_000);
    expect(compiledIsCurrent(base)).toBe(true);
    at(path.join(base, 'client', 'cli.ts'), 3_000); // edited (or checked out) after the build
    expect(compiledIsCurrent(base)).toBe(false);
  });
});
