/**
 * Response headers every page and answer carries (issue 14, finding 9): the console keeps its
 * token in localStorage, so no other site may frame it (frame-ancestors 'none'), nothing may be
 * sniffed into another type, and no address leaves in a Referer.
 */

/** The console's policy: its own scripts only; inline styles for the chart library; nothing framed. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The API answers only data: nothing in it may run or be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const COMMON = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

export const API_HEADERS: Readonly<Record<string, string>> = {
  ...COMMON,
  'content-security-policy': API_CSP,
};
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  ...COMMON,
  'content-security-policy': CONSOLE_CSP,
};
