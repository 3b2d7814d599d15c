/**
 * Quotation marks as Chinese writing nests them. Templates put a task's title in “…”, and titles
 * often carry quotes of their own (组织“回头看”), which would come out as “组织“回头看””. The
 * rule (GB/T 15834): double quotes outside, single quotes inside, double again at the third level.
 * Straight quotes typed in a roster or plan ("回头看") are first made curly, in pairs.
 *
 * Line by line: a line whose quotes do not pair up is left exactly as it was, rather than guessed at.
 */

const OPENERS = new Set(['“', '‘']);
const CLOSERS = new Set(['”', '’']);

/** Straight double quotes in pairs → “…”; an odd count is left alone. */
export function curlyQuotes(text: string): string {
  const count = text.split('"').length - 1;
  if (count === 0 || count % 2 !== 0) return text;
  let open = true;
  return text.replace(/"/g, () => {
    const q = open ? '“' : '”';
    open = !open;
    return q;
  });
}

function nestLine(line: string): string {
  let depth = 0;
  for (const ch of line) {
    if (OPENERS.has(ch)) depth += 1;
    else if (CLOSERS.has(ch)) {
      if (depth === 0) return line;
      depth -= 1;
    }
  }
  if (depth !== 0) return line;
  let out = '';
  for (const ch of line) {
    if (OPENERS.has(ch)) {
      depth += 1;
      out += depth % 2 === 1 ? '“' : '‘';
    } else if (CLOSERS.has(ch)) {
      out += depth % 2 === 1 ? '”' : '’';
      depth -= 1;
    } else out += ch;
  }
  return out;
}

/** “组织“回头看”” → “组织‘回头看’”; top-level quotes stay double. */
export function nestQuotes(text: string): string {
  return text.split('\n').map(nestLine).join('\n');
}
