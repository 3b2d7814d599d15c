import type { BodyOperation, OperationBodies } from './wire/unit-operations.js';

export { resolutionBody, type ResolutionBody } from './wire/resolution-body.js';

/**
 * JSON schemas of the API's inputs: Fastify validates requests against them and the OpenAPI
 * document at /openapi.json is generated from them, so the two cannot drift apart. The acting
 * person is never a field: it is taken from the token.
 */
const text = (maxLength: number, description: string) => ({ type: 'string', minLength: 1, maxLength, description }) as const;
const due = (description: string) => ({ type: 'string', minLength: 10, maxLength: 40, description: `${description}：日期（2009-12-20）或带时区的时刻（2009-12-20T17:30:00+08:00）` }) as const;
const taskId = { type: 'string', minLength: 1, maxLength: 200, description: '事项编号（见单位进度中的 taskId）' } as const;

// Generic only so the compiler keeps the field names, which BODY_SCHEMAS is checked against below.
const obj = <P extends Record<string, unknown>, R extends keyof P & string = never>(properties: P, required: R[], description: string) =>
  ({ type: 'object', additionalProperties: false, properties, required, description }) as const;

export const BODY_SCHEMAS = {
  submit: obj(
    {
      taskId,
      summary: text(2000, '简要说明'),
      fileRefs: { type: 'array', maxItems: 50, items: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' }, description: '已上传文件的引用（sha256:…），先用 /files 上传' },
    },
    ['taskId', 'summary'],
    '报送材料',
  ),
  review: obj(
    {
      taskId,
      decision: { type: 'string', enum: ['approve', 'return'], description: 'approve 通过，return 退回' },
      reasons: { type: 'array', maxItems: 20, items: text(500, '退回理由'), description: '退回时必填：单位可据以修改的理由' },
      failedItems: { type: 'array', maxItems: 20, items: text(100, '未通过的检查项编号'), description: '未通过的检查项（如四不通过）' },
    },
    ['taskId', 'decision'],
    '审查材料',
  ),
  acknowledge: obj({ taskId, level: { type: 'integer', minimum: 1, maximum: 9, description: '督办级别' }, note: text(500, '说明') }, ['taskId', 'level'], '确认督办'),
  extend: obj({ taskId, newDue: due('新的截止时间'), reason: text(500, '延期理由') }, ['taskId', 'newDue', 'reason'], '延期'),
  addGap: obj({ title: text(100, '事项名称'), note: text(500, '说明'), due: due('截止时间') }, ['title'], '增加查缺补缺事项'),
  survey: obj(
    {
      satisfied: { type: 'integer', minimum: 0, description: '满意人数' },
      basicallySatisfied: { type: 'integer', minimum: 0, description: '基本满意人数' },
      dissatisfied: { type: 'integer', minimum: 0, description: '不满意人数' },
      respondents: { type: 'integer', minimum: 1, description: '参评人数（三项之和）' },
      method: { type: 'string', enum: ['集中评议', '无记名投票', '随机抽样'], description: '测评方式' },
    },
    ['satisfied', 'basicallySatisfied', 'dissatisfied', 'respondents', 'method'],
    '录入满意度测评结果',
  ),
  pause: obj({ reason: text(500, '暂停理由') }, [], '暂停本单位'),
  resume: obj({ reason: text(500, '说明'), shiftBy: { type: 'string', maxLength: 20, description: '顺延时长，如 5wd、7d；缺省为暂停的天数' } }, [], '恢复本单位'),
  shift: obj({ reason: text(500, '说明'), shift: { type: 'string', minLength: 2, maxLength: 20, description: '时长：5wd、7d、1mo、2h，负数提前' } }, ['shift'], '整体调整日期'),
  waive: obj({ taskId, reason: text(500, '免除理由') }, ['taskId', 'reason'], '免除事项'),
  adhoc: obj({ title: text(100, '事项名称'), due: due('截止时间'), note: text(500, '说明') }, ['title', 'due'], '增加督办事项'),
  cancel: obj({ reason: text(500, '撤销理由') }, ['reason'], '撤销本单位活动'),
} as const;

export type { BodyOperation } from './wire/unit-operations.js';

/**
 * Compile-time check that each body schema has exactly the fields of its wire type, with exactly
 * the non-optional ones required: a field changed on either side fails `npm run typecheck`.
 */
type RequiredKeys<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K }[keyof T];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Matches<S, T> = S extends { properties: infer P; required: (infer R)[] } ? (Same<keyof P, keyof T> extends true ? Same<R, RequiredKeys<T>> : false) : false;
type Schemas = typeof BODY_SCHEMAS;
/** The operations whose schema and wire type disagree, or that only one side has (the compiler names them). */
type Mismatched = {
  [K in BodyOperation | keyof Schemas]: K extends BodyOperation & keyof Schemas ? (Matches<Schemas[K], OperationBodies[K]> extends true ? never : K) : K;
}[BodyOperation | keyof Schemas];
const _bodySchemasMatchWire: [Mismatched] extends [never] ? true : `schema and wire type differ: ${Mismatched}` = true;

/** URL segment per operation. */
export const OPERATION_PATHS: Record<BodyOperation, string> = {
  submit: 'submit',
  review: 'review',
  acknowledge: 'acknowledge',
  extend: 'extend',
  addGap: 'gap-items',
  survey: 'survey',
  pause: 'pause',
  resume: 'resume',
  shift: 'shift',
  waive: 'waive',
  adhoc: 'adhoc',
  cancel: 'cancel',
};

export const campaignParams = obj({ campaignId: text(64, '活动编号') }, ['campaignId'], '路径');
export const unitParams = obj({ campaignId: text(64, '活动编号'), unitId: text(64, '单位编号') }, ['campaignId', 'unitId'], '路径');

export const filterQuery = obj(
  {
    unitType: text(40, '单位类型编号'),
    group: text(64, '指导组编号'),
    stage: text(64, '阶段编号'),
    overdue: { type: 'boolean', description: '只看有逾期事项的单位' },
    remedialRound: { type: 'integer', minimum: 0, maximum: 20, description: '补课轮次' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200, description: '最多返回条数' },
  },
  [],
  '筛选条件',
);

export const batchBody = obj(
  {
    filter: obj({ unitType: text(40, '单位类型编号'), group: text(64, '指导组编号'), stage: text(64, '阶段编号') }, [], '按单位类型、指导组、阶段筛选；至少一项'),
    request: { type: 'object', description: '与单个单位操作相同的请求体' },
  },
  ['filter', 'request'],
  '批量操作',
);

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' }, problems: { type: 'array', items: { type: 'string' } } },
  required: ['error', 'message'],
} as const;
