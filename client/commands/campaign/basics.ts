/** The small pieces every command module uses, without imports: the operation table loads them at every start. */

export const DEFAULT_UPLOADS = process.env.CAMPAIGN_UPLOADS_DIR ?? '.data/uploads';

/** Failures the user can fix: printed as they are, exit code 1, no stack. */
export class UsageError extends Error {}

/** commander's collector of a repeatable option. */
export const collect = (v: string, prev: string[] = []) => [...prev, v];
