/**
 * The pure part of roster handling, safe to import from workflow code. File reading lives in
 * parse-file.ts / read-csv.ts / read-xlsx.ts, which workflows must not import.
 */
export * from './types.js';
export {
  validateRoster,
  splitList,
  type RosterInput,
  type RosterResult,
  type ValidateOptions,
} from './validate.js';
export { normaliseEmail, normaliseMobile, normaliseWebhook } from './contact-formats.js';
export { parseCsv } from './csv.js';
export { decodeText } from './decode-text.js';
export type { RawRow, RawSheet } from './raw-sheet.js';
export { UNIT_COLUMNS, GROUP_COLUMNS } from './columns.js';
