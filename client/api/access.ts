/**
 * Who may do what, checked on every request before anything reaches Temporal: first the role,
 * then the unit (a unit reaches only itself, a 指导组 member only its group's units). The workflow
 * checks the acting person again, so a mistake here cannot let a unit act as its 指导组.
 */
import { OPERATION_LABELS } from '../../app/unit-operations.js';
import { Forbidden } from '../../domain/failures.js';
import {
  OPERATIONS,
  UNIT_OPERATIONS,
  type Actor,
  type Operation,
} from '../../workflows/unit-campaign/messages.js';
import { ROLE_LABELS, type Principal, type Role, type TokenStore } from './tokens.js';

/** What the API does besides the unit operations (whose list messages.ts keeps, so a new one needs no line here). */
const API_ONLY_ACTIONS = [
  'view',
  'upload',
  'decideExtensionBatch',
  'dashboard',
  'batch',
  'report',
  'launch',
  'notifyProblems',
  'resolveNotifyProblem',
  'archive',
  'manageTokens',
  'calendar',
] as const;
export type ApiAction = Operation | (typeof API_ONLY_ACTIONS)[number];
export const API_ACTIONS: readonly ApiAction[] = [...OPERATIONS, ...API_ONLY_ACTIONS];

// The unit operations are named as the command line names them; the API adds its own actions and
// says 报送材料 / 审查材料 where the refusal message reads better with the object.
const ACTION_LABELS: Record<ApiAction, string> = {
  ...OPERATION_LABELS,
  submit: '报送材料',
  review: '审查材料',
  view: '查看单位进度',
  upload: '上传文件',
  dashboard: '查看汇总',
  batch: '批量操作',
  decideExtensionBatch: '批量审批延期申请',
  report: '导出报表',
  launch: '发起活动',
  notifyProblems: '查看通知异常',
  resolveNotifyProblem: '标记通知异常已处理',
  archive: '下载档案',
  manageTokens: '管理登录令牌',
  calendar: '管理节假日安排',
};

/** Which login acts as which of the workflow's people. */
const ROLE_OF_ACTOR: Record<Actor, Role> = {
  liaison: 'unit',
  unit_head: 'unit',
  supervisor_group: 'group',
  office: 'office',
};
const ROLE_ORDER: readonly Role[] = ['office', 'group', 'unit'];

/** A unit operation is open to the logins whose people the workflow lets act (messages.ts says who). */
const operationRoles = (op: Operation): readonly Role[] =>
  ROLE_ORDER.filter((r) => UNIT_OPERATIONS[op].actors.some((a) => ROLE_OF_ACTOR[a] === r));

/** The role matrix (docs/api.md prints it). */
export const ROLE_MATRIX: Record<ApiAction, readonly Role[]> = {
  ...(Object.fromEntries(OPERATIONS.map((op) => [op, operationRoles(op)])) as Record<
    Operation,
    readonly Role[]
  >),
  view: ['office', 'group', 'unit'],
  upload: ['office', 'unit'],
  dashboard: ['office', 'group'],
  batch: ['office'],
  decideExtensionBatch: ['office'],
  report: ['office'],
  launch: ['office'],
  notifyProblems: ['office'],
  resolveNotifyProblem: ['office'],
  // Scoped by requireUnitAccess: a 指导组 reaches its own units, a unit only itself.
  archive: ['office', 'group', 'unit'],
  manageTokens: ['office'],
  // The national arrangement, for every campaign: the office loads it and sees its versions.
  calendar: ['office'],
};

/** Refused for who the person is (403). */
export class AccessDenied extends Forbidden {}

export function requireRole(p: Principal, action: ApiAction): void {
  if (!ROLE_MATRIX[action].includes(p.role)) {
    throw new AccessDenied(`${ROLE_LABELS[p.role]}无权${ACTION_LABELS[action]}`);
  }
}

/** Role and unit together; `unitId` is the unit named in the request path. */
export function requireUnitAccess(p: Principal, action: ApiAction, unitId: string, store: TokenStore): void {
  requireRole(p, action);
  if (p.role === 'unit' && p.unitId !== unitId)
    throw new AccessDenied(
      `只能${ACTION_LABELS[action]}本单位（${p.unitId ?? ''}），无权访问单位「${unitId}」`,
    );
  if (p.role === 'group' && store.groupOfUnit(unitId) !== p.groupId)
    throw new AccessDenied(
      `单位「${unitId}」不归本指导组（${p.groupId ?? ''}）联系，无权${ACTION_LABELS[action]}`,
    );
}

export function requireCampaign(p: Principal, campaignId: string): void {
  if (p.campaignId !== campaignId)
    throw new AccessDenied(`令牌属于活动「${p.campaignId}」，不能访问活动「${campaignId}」`);
}
