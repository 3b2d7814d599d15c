/** The command line's request builders of the 延期申请 operations (their rows in campaign/update-commands.ts). */
import { DEFAULT_OFFICE, liaisonId } from '../../app/people-ids.js';
import type { RequestBuilder, UpdateOptions } from './campaign/update-commands.js';

const str = (o: UpdateOptions, k: string): string | undefined =>
  typeof o[k] === 'string' ? o[k] : undefined;
const list = (o: UpdateOptions, k: string): string[] => (Array.isArray(o[k]) ? (o[k] as string[]) : []);

export const EXTENSION_BUILDERS: {
  requestExtension: RequestBuilder<'requestExtension'>;
  decideExtension: RequestBuilder<'decideExtension'>;
} = {
  requestExtension: (o, unitId) => ({
    taskId: str(o, 'task') ?? '',
    newDue: str(o, 'to') ?? '',
    requestedBy: o.by ?? liaisonId(unitId),
    reason: list(o, 'reason').join('；'),
  }),
  decideExtension: (o) => ({
    taskId: str(o, 'task') ?? '',
    decidedBy: o.by ?? DEFAULT_OFFICE.members[0]!.id,
    decision: o.refuse ? 'refuse' : 'approve',
    ...(list(o, 'comment').length > 0 ? { comment: list(o, 'comment').join('；') } : {}),
  }),
};
