/**
 * What the matrix expects of each route in the OpenAPI document, derived from the code's own
 * tables: the unit operations from UNIT_OPERATIONS (their roles from ROLE_MATRIX), the other
 * routes by the API action they check. A route of the document missing here fails the suite.
 */
import { ROLE_MATRIX, type ApiAction } from '../../client/api/access.js';
import type { Role } from '../../client/api/tokens.js';
import { OPERATIONS, UNIT_OPERATIONS, type Operation } from '../../workflows/unit-campaign/messages.js';
import type { Caller } from './harness.js';

/** A body each operation accepts (the generated malformed ones start from it). */
export const VALID_BODIES: Record<Operation, Record<string, unknown>> = {
  submit: { taskId: 't1', summary: '已完成' },
  review: { taskId: 't1', decision: 'approve' },
  acknowledge: { taskId: 't1', level: 1 },
  extend: { taskId: 't1', newDue: '2026-03-20', reason: '换届' },
  requestExtension: { taskId: 't1', newDue: '2026-03-20', reason: '换届' },
  decideExtension: { taskId: 't1', decision: 'approve' },
  addGap: { title: '补充材料' },
  survey: { satisfied: 3, basicallySatisfied: 1, dissatisfied: 0, respondents: 4, method: '集中评议' },
  supervise: { summary: '到单位督导检查，列席专题民主生活会' },
  pause: { reason: '换届' },
  resume: { reason: '换届结束' },
  shift: { shift: '7d' },
  waive: { taskId: 't1', reason: '不适用' },
  adhoc: { title: '整改', due: '2026-03-20' },
  cancel: { reason: '撤并' },
};

export interface RouteRule {
  /** The action the route checks; `token` = any valid token. */
  action: ApiAction | 'token';
  /** Checked against the unit in the path (a group reaches its units, a unit itself). */
  unitScoped: boolean;
  body?: Record<string, unknown>;
  multipart?: boolean;
}

const C = '/api/campaigns/{campaignId}';
const fixed: Record<string, RouteRule> = {
  [`get ${C}/tokens`]: { action: 'manageTokens', unitScoped: false },
  [`post ${C}/tokens/revoke`]: { action: 'manageTokens', unitScoped: false, body: { personId: 'nobody' } },
  [`post ${C}/tokens/rotate`]: { action: 'manageTokens', unitScoped: false, body: { personId: 'nobody' } },
  'post /api/me/token/rotate': { action: 'token', unitScoped: false },
  'get /api/me': { action: 'token', unitScoped: false },
  'get /api/calendar': { action: 'calendar', unitScoped: false },
  'post /api/calendar': {
    action: 'calendar',
    unitScoped: false,
    body: { format: 'yaml', text: 'year: 2027' },
  },
  [`get ${C}/units/{unitId}/files`]: { action: 'view', unitScoped: true },
  [`post ${C}/units/{unitId}/files`]: { action: 'upload', unitScoped: true, multipart: true },
  [`get ${C}/overview`]: { action: 'dashboard', unitScoped: false },
  [`get ${C}/progress`]: { action: 'dashboard', unitScoped: false },
  [`get ${C}/unit-health`]: { action: 'dashboard', unitScoped: false },
  [`get ${C}/board`]: { action: 'dashboard', unitScoped: false },
  [`get ${C}/board/units`]: { action: 'dashboard', unitScoped: false },
  [`get ${C}/board/escalations`]: { action: 'dashboard', unitScoped: false },
  [`get ${C}/board/surveys`]: { action: 'dashboard', unitScoped: false },
  [`get ${C}/board/reviews`]: { action: 'dashboard', unitScoped: false },
  [`get ${C}/units`]: { action: 'view', unitScoped: false },
  [`get ${C}/overdue`]: { action: 'view', unitScoped: false },
  [`get ${C}/units/{unitId}`]: { action: 'view', unitScoped: true },
  [`post ${C}/preview`]: { action: 'launch', unitScoped: false, multipart: true },
  [`post ${C}/start`]: { action: 'launch', unitScoped: false, multipart: true },
  [`get ${C}/notification-problems`]: { action: 'notifyProblems', unitScoped: false },
  [`post ${C}/notification-problems/{problemId}/resolution`]: {
    action: 'resolveNotifyProblem',
    unitScoped: false,
    body: { kind: 'other', note: '已处理' },
  },
  [`get ${C}/units/{unitId}/archive.zip`]: { action: 'archive', unitScoped: true },
  [`get ${C}/briefing.docx`]: { action: 'report', unitScoped: false },
  [`post ${C}/archive`]: { action: 'report', unitScoped: false },
  [`get ${C}/archive`]: { action: 'report', unitScoped: false },
  [`get ${C}/archive.zip`]: { action: 'report', unitScoped: false },
  [`get ${C}/report.xlsx`]: { action: 'report', unitScoped: false },
  [`get ${C}/extension-requests`]: { action: 'view', unitScoped: false },
  [`post ${C}/extension-requests/decide`]: {
    action: 'decideExtensionBatch',
    unitScoped: false,
    body: { items: [{ unitId: 'A', taskId: 't1' }], decision: 'approve' },
  },
};

export const ROUTE_RULES: Record<string, RouteRule> = { ...fixed };
for (const op of OPERATIONS) {
  const { path, batch } = UNIT_OPERATIONS[op];
  ROUTE_RULES[`post ${C}/units/{unitId}/${path}`] = { action: op, unitScoped: true, body: VALID_BODIES[op] };
  if (batch)
    ROUTE_RULES[`post ${C}/batch/${path}`] = {
      action: 'batch',
      unitScoped: false,
      body: { filter: { group: 'G1' }, request: VALID_BODIES[op] },
    };
}

const ROLE_OF: Record<Exclude<Caller, 'none'>, Role> = {
  office: 'office',
  ownGroup: 'group',
  otherGroup: 'group',
  ownUnit: 'unit',
  otherUnit: 'unit',
};

/** 401, 403 or allowed, for a caller on a route whose path names unit A (of group G1). */
export function expected(rule: RouteRule, caller: Caller): 401 | 403 | 'allow' {
  if (caller === 'none') return 401;
  if (rule.action === 'token') return 'allow';
  if (!ROLE_MATRIX[rule.action].includes(ROLE_OF[caller])) return 403;
  if (rule.unitScoped && (caller === 'otherGroup' || caller === 'otherUnit')) return 403;
  return 'allow';
}
