/**
 * The one registry of failure types. Workflow code names its refusals by these types (as the
 * ApplicationFailure type), the service layer turns Temporal's errors into them, and the API maps
 * each to its HTTP status and error code here, once. Callers decide by type, never by message text:
 * the message is the Chinese sentence people read, and it may change.
 *
 * Pure (no SDK, no Node built-ins), so workflow code may import it.
 */

export const FAILURE_TYPES = {
  /** The input itself is malformed: a field missing, of the wrong type, too long, unknown. */
  InvalidRequest: { status: 400, code: 'invalid_request' },
  /** The unit's workflow refused the request as the unit stands (task not open, already paused, …). */
  Rejected: { status: 400, code: 'rejected_by_workflow' },
  /** No token, or one that is not valid. */
  Unauthorized: { status: 401, code: 'unauthorized' },
  /** The person may not do this, or not to this unit. */
  Forbidden: { status: 403, code: 'forbidden' },
  /** No such campaign, unit, route, file or record (or the unit's workflow has ended). */
  NotFound: { status: 404, code: 'not_found' },
  /** It exists, but its state does not allow this (an id that names two records, a record that is no problem). */
  Conflict: { status: 409, code: 'conflict' },
  TooLarge: { status: 413, code: 'too_large' },
  UnsupportedMediaType: { status: 415, code: 'unsupported_media_type' },
  RateLimited: { status: 429, code: 'rate_limited' },
  /** Something the server needs is not set up (the delivery log, an upload store). */
  NotConfigured: { status: 503, code: 'not_configured' },
  /** Temporal or a worker cannot answer now; the same request may work later. */
  Unavailable: { status: 503, code: 'unavailable' },
} as const;

export type FailureType = keyof typeof FAILURE_TYPES;

export function isFailureType(x: unknown): x is FailureType {
  return typeof x === 'string' && Object.hasOwn(FAILURE_TYPES, x);
}

/** The base of every failure the campaign reports to people: a type, a sentence, and each problem. */
export class CampaignFailure extends Error {
  constructor(
    readonly type: FailureType,
    message: string,
    /** One line per problem (`field：why`) when there are several; else the message alone. */
    readonly problems: string[] = [message],
  ) {
    super(message);
    this.name = type;
  }

  get status(): number {
    return FAILURE_TYPES[this.type].status;
  }
}

const failure = (type: FailureType) =>
  class extends CampaignFailure {
    constructor(message: string, problems?: string[]) {
      super(type, message, problems);
    }
  };

export const InvalidRequest = failure('InvalidRequest');
export const Rejected = failure('Rejected');
export const Unauthorized = failure('Unauthorized');
export const Forbidden = failure('Forbidden');
export const NotFound = failure('NotFound');
export const Conflict = failure('Conflict');
export const TooLarge = failure('TooLarge');
export const UnsupportedMediaType = failure('UnsupportedMediaType');
export const RateLimited = failure('RateLimited');
export const NotConfigured = failure('NotConfigured');
export const Unavailable = failure('Unavailable');
