/**
 * `campaign --help` without loading the program: the build writes every command's help page
 * (commander's own text, from the full program) to dist/cli-help.json, and bin/campaign.mjs
 * prints the page asked for when the compiled code is current. Only the plain forms are answered
 * here (`campaign [cmd…] --help|-h`, `campaign help [cmd…]`); anything else goes to commander.
 * Imports nothing, so the compiled copy loads at once.
 */
export const HELP_FILE = 'cli-help.json';

export interface HelpPages {
  /** Key: the command path joined by spaces ('' for the program itself, 'plan check', …). */
  pages: Record<string, string>;
}

/** The page for these arguments, or undefined when they are not a plain help request for a known command. */
export function helpPageFor(argv: readonly string[], help: HelpPages): string | undefined {
  let path: readonly string[];
  const last = argv[argv.length - 1];
  if (argv[0] === 'help') path = argv.slice(1);
  else if (last === '--help' || last === '-h') path = argv.slice(0, -1);
  else return undefined;
  if (path.some((p) => p.startsWith('-'))) return undefined;
  return Object.hasOwn(help.pages, path.join(' ')) ? help.pages[path.join(' ')] : undefined;
}
