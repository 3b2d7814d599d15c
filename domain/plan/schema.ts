/**
 * The plan format (YAML on disk, validated here): campaign → stages → steps → deliverables, plus
 * the policies every unit's workflow follows (reminders, escalation, 回头看, 满意度测评 → 补课,
 * continued rectification, calendar). See docs/plan-format.md for the reference with an example.
 *
 * Messages are Chinese because office staff read them; the loader adds file and line.
 * The JSON Schema in plans/plan.schema.json is generated from this file (npm run toolchain or
 * `tsx domain/plan/write-json-schema.ts`); a test keeps it in step.
 */
import { z } from 'zod';
import { ESCALATION_EVENT_KINDS, EVENT_KINDS, type EventKind } from '../routing/event-kinds.js';
import { DEFAULT_QUIET_HOURS, QUIET_RULE_IDS } from '../routing/quiet-rules.js';
import { UNIT_FLAG_IDS, UNIT_TYPE_IDS } from '../unit-types.js';
import { parseDateExpr, parseDuration, parseTimeOfDay } from './expr.js';

/** Roles a reminder, escalation or deliverable can be addressed to. */
export const ROLES = {
  liaison: '联络员',
  unit_head: '第一责任人',
  supervisor_group: '指导组',
  office: '活动办',
  paired_agency: '结对共建单位',
  /** 区主要负责同志: reads some units' 分析检查报告 (seed 002, 镇机关). */
  district_leader: '区主要负责同志',
  /** 指导组组长: reviews that wait too long escalate to them (every member when the roster names no 组长). */
  group_leader: '指导组组长',
} as const;
export type Role = keyof typeof ROLES;
const ROLE_IDS = Object.keys(ROLES) as Role[];

export const CHANNELS = { email: '电子邮件', sms: '短信', dingtalk: '钉钉', wecom: '企业微信' } as const;
export type Channel = keyof typeof CHANNELS;

export const HOLIDAY_RULES = {
  keep: '保持原日期',
  previous_working_day: '提前到前一个工作日',
  next_working_day: '顺延到下一个工作日',
} as const;
export type HolidayRule = keyof typeof HOLIDAY_RULES;

const STEP_KINDS = {
  task: '一般工作',
  meeting: '会议',
  look_back: '回头看',
  satisfaction_survey: '群众满意度测评',
  summary: '总结',
  archive: '资料归档',
} as const;
export type StepKind = keyof typeof STEP_KINDS;

/** What a recipient does with a deliverable: 审查把关, 备案, 审阅, or just informed. */
const RECIPIENT_PURPOSES = { review: '审查把关', file: '备案', read: '审阅', inform: '知悉' } as const;
export type RecipientPurpose = keyof typeof RECIPIENT_PURPOSES;

function enumOf<T extends string>(ids: readonly T[], what: string) {
  return z.enum(ids as [T, ...T[]], {
    error: (iss) => `${what}「${String(iss.input)}」无效，可选：${ids.join('、')}`,
  });
}

const slug = z.string({ error: '应为文字' }).regex(/^[a-z][a-z0-9_]*$/, {
  error: (iss) => `标识「${String(iss.input)}」只能用小写英文字母、数字和下划线，且以字母开头`,
});

const text = z.string({ error: '应为文字' }).trim().min(1, { error: '不能为空' });

const dateExpr = z
  .string({
    error: (iss) =>
      iss.input === undefined
        ? '缺少必填字段'
        : `无法识别的日期「${JSON.stringify(iss.input)}」：应写作文字，如 2009-11 中旬、2009-09-01、+45d`,
  })
  .superRefine((v, ctx) => {
    const p = parseDateExpr(v);
    if (!p.ok) ctx.addIssue({ code: 'custom', message: p.message });
  })
  .meta({
    description:
      '2009-09-01 | 2009-09-01 09:00 | 2009-11 中旬 (上旬/中旬/下旬/初/底) | 2010-02 | +45d | +3wd | +90s',
  });

const duration = z
  .string({ error: '应为时长文字，如 3wd' })
  .superRefine((v, ctx) => {
    const p = parseDuration(v);
    if (!p.ok) ctx.addIssue({ code: 'custom', message: p.message });
  })
  .meta({ description: 'number + unit: s m h d wd (working days) w mo, e.g. 3wd, 45d, 90s' });

const timeOfDay = z
  .string({ error: '应为时刻文字，如 09:00' })
  .superRefine((v, ctx) => {
    const p = parseTimeOfDay(v);
    if (!p.ok) ctx.addIssue({ code: 'custom', message: p.message });
  })
  .meta({ description: 'HH:mm local time' });

/** A time limit: a duration greater than zero (a review limit of 0wd could never be met). */
const limit = (what: string) =>
  duration.superRefine((v, ctx) => {
    const p = parseDuration(v);
    if (p.ok && p.value.amount <= 0)
      ctx.addIssue({ code: 'custom', message: `${what}「${v}」应大于零，如 5wd` });
  });

const unitType = enumOf(UNIT_TYPE_IDS, '单位类型');
const unitFlag = enumOf(UNIT_FLAG_IDS, '单位标记');
const role = enumOf(ROLE_IDS, '角色');
const channel = enumOf(Object.keys(CHANNELS) as Channel[], '通知渠道');
const quietRule = enumOf(QUIET_RULE_IDS, '免打扰规则');

const AppliesToSchema = z.strictObject({
  /** Only these unit types (omitted: every type the plan serves). */
  unitTypes: z.array(unitType).min(1, { error: '至少列出一个单位类型' }).optional(),
  /** The unit must carry every one of these flags (e.g. has_party_committee = 设党委). */
  flags: z.array(unitFlag).optional(),
  /** The unit must carry none of these flags. */
  notFlags: z.array(unitFlag).optional(),
});

const WindowSchema = z.strictObject({
  /** Defaults to the stage's opening. */
  open: dateExpr.optional(),
  due: dateExpr,
});

const DeliverableSchema = z.strictObject({
  id: slug,
  title: text,
  kind: enumOf(['document', 'minutes', 'report', 'list', 'photos', 'other'] as const, '材料类型').default(
    'document',
  ),
  required: z.boolean({ error: '应为 true 或 false' }).default(true),
});

const RecipientSchema = z.strictObject({
  role,
  purpose: enumOf(Object.keys(RECIPIENT_PURPOSES) as RecipientPurpose[], '用途'),
});

const ReviewSchema = z.strictObject({
  /** Who approves (审查把关); in the seeds always the 指导组. */
  by: role.default('supervisor_group'),
  /** Id of a checklist declared under `checklists` (e.g. 四不通过), or omitted. */
  checklist: slug.optional(),
  /** 审查时限: the reviewers have this long from each submission (e.g. 5wd); overrides the plan's `review.within`. */
  within: limit('审查时限').optional(),
});

/**
 * The review loop for every step with `review`: how long the 指导组 has (审查时限). Before the
 * limit the reviewers get the plan's last reminder; after it the review escalates to the 指导组组长
 * and then to the 活动办, at the delays of the plan's first two escalation levels.
 */
export const ReviewPolicySchema = z.strictObject({
  within: limit('审查时限'),
});

/**
 * 延期申请: a unit asks for a later deadline with a reason. Its 指导组 decides an extension of at
 * most `groupMaxWorkingDays` working days; a longer one goes to the 活动办. `within` is how long a
 * decider has before the request is escalated (组长, then 活动办), as for a review.
 */
export const ExtensionPolicySchema = z.strictObject({
  groupMaxWorkingDays: z
    .number({ error: '应为工作日数，如 5' })
    .int({ error: '指导组可批准的延期天数应为整数（工作日）' })
    .min(0, { error: '指导组可批准的延期天数不能为负数' })
    .max(60, { error: '指导组可批准的延期天数不应超过 60 个工作日' }),
  within: limit('延期审批时限').optional(),
});

const StepSchema = z.strictObject({
  id: slug,
  /** Number in the seed's 工作流程图 table (活动内容 1、2、…), kept for the seed-fidelity test. */
  no: z.number({ error: '应为数字' }).int({ error: '应为整数' }).positive({ error: '应为正整数' }).optional(),
  title: text,
  kind: enumOf(Object.keys(STEP_KINDS) as StepKind[], '步骤类型').default('task'),
  /** Defaults to the stage window. */
  window: WindowSchema.optional(),
  /** Steps of the same stage this one follows (在……基础上, 报告形成后): it opens once they are all finished. */
  after: z.array(slug).min(1, { error: '至少列出一个前序步骤' }).optional(),
  /** How long the step lasts: from its predecessors' completion (with `after`), else from its opening. Not with `window`. */
  duration: duration.optional(),
  appliesTo: AppliesToSchema.optional(),
  /** Present when the 指导组 must approve the deliverables before the step counts as done. */
  review: ReviewSchema.optional(),
  /** A gate that must be met before the step may take place (e.g. 四不上会 before a 民主生活会). */
  precondition: slug.optional(),
  /** A checklist the unit checks itself, with no approval gate (e.g. 四明确一承诺 in seed 001). */
  selfCheck: slug.optional(),
  recipients: z.array(RecipientSchema).default([]),
  deliverables: z.array(DeliverableSchema).default([]),
  /** 工作要求 / 备注 from the seed, for people to read. */
  notes: z.string({ error: '应为文字' }).optional(),
});

const StageSchema = z.strictObject({
  id: slug,
  title: text,
  /** calendar: opens on its window's date; after_previous: only once the previous stage is complete. */
  opens: enumOf(['calendar', 'after_previous'] as const, '开启方式').default('calendar'),
  window: WindowSchema,
  appliesTo: AppliesToSchema.optional(),
  steps: z.array(StepSchema).min(1, { error: '每个阶段至少要有一个步骤' }),
});

const ChecklistSchema = z.strictObject({
  title: text,
  items: z.array(z.strictObject({ id: slug, text })).min(1, { error: '清单至少要有一项' }),
});

const CalendarOverrideSchema = z.strictObject({
  date: dateExpr,
  working: z.boolean({ error: '应为 true（上班）或 false（放假）' }),
  note: z.string({ error: '应为文字' }).optional(),
});

const CalendarSchema = z.strictObject({
  /** cn: Chinese working days (holidays and 调休); weekdays: Mon–Fri only; continuous: every moment counts (demos). */
  kind: enumOf(['cn', 'weekdays', 'continuous'] as const, '日历类型').default('cn'),
  officeHours: z
    .strictObject({ start: timeOfDay.default('09:00'), end: timeOfDay.default('17:30') })
    .default({ start: '09:00', end: '17:30' }),
  /** Extra holidays or make-up working days, e.g. for a year the holiday package does not cover yet. */
  overrides: z.array(CalendarOverrideSchema).default([]),
});

const ReminderPolicySchema = z.strictObject({
  /** Remind this many working days before the due date, at office opening time. */
  workingDaysBefore: z
    .array(z.number({ error: '应为数字' }).int({ error: '应为整数' }).positive({ error: '应为正整数' }))
    .default([]),
  /** Remind on the morning of the due day at this local time (moved to the previous working day if the due day is a holiday). */
  onDueDay: timeOfDay.optional(),
  /** Exact-time reminders before the due instant, for short drills: e.g. 30s, 5m. */
  before: z.array(duration).default([]),
  /** Tell the liaison when a step opens. */
  onOpen: z.boolean({ error: '应为 true 或 false' }).default(true),
  to: z.array(role).default(['liaison']),
});

const EscalationLevelSchema = z.strictObject({
  level: z.number({ error: '应为数字' }).int({ error: '应为整数' }).positive({ error: '应为正整数' }),
  /** How long after the due instant this level fires (e.g. 1wd = morning of the first working day after). */
  after: duration,
  to: z.array(role).min(1, { error: '至少要有一个接收角色' }),
  cc: z.array(role).default([]),
  /** What the step is called, e.g. 督办, 通报. */
  label: z.string({ error: '应为文字' }).optional(),
  /** Channels for this level (subset of the plan's); default: routing.events of its kind, else all. */
  channels: z.array(channel).optional(),
  /** Send SMS / robot messages of this level even outside office hours (e.g. 通报). */
  ignoreQuietHours: z.boolean({ error: '应为 true 或 false' }).optional(),
});

const EscalationPolicySchema = z.strictObject({
  levels: z.array(EscalationLevelSchema).min(1, { error: '至少要有一级催办' }),
  /** After the last level, repeat it this often until the item is done. */
  repeatEvery: duration.optional(),
});

const LookBackSchema = z.strictObject({
  /** The step that is the 回头看 (kind look_back). */
  step: slug,
  /** Deadline given to fill each gap found (查缺补缺). */
  gapDeadline: duration,
});

const SatisfactionSchema = z.strictObject({
  /** The step that is the 群众满意度测评 (kind satisfaction_survey). */
  step: slug,
  /** 多数不满意: the share of dissatisfied respondents above which the unit must 补课. */
  dissatisfiedShareAbove: z
    .number({ error: '应为数字' })
    .min(0, { error: '应在 0 到 1 之间' })
    .max(1, { error: '应在 0 到 1 之间' }),
  maxRemedialRounds: z
    .number({ error: '应为数字' })
    .int({ error: '应为整数' })
    .min(0, { error: '不能为负数' }),
  /** Time allowed for one round of 补课 before the unit is surveyed again. */
  remedialDuration: duration,
  afterMaxRounds: enumOf(['escalate_office', 'close_with_note'] as const, '补课用尽后的处理'),
  reportTo: z.array(role).default(['office', 'supervisor_group']),
});

const ContinuedRectificationSchema = z.strictObject({
  duration,
  reportEvery: duration,
  appliesTo: AppliesToSchema.optional(),
});

/**
 * Who receives one kind of event, on which channels, and whether quiet hours apply. Every field is
 * optional: what is left out keeps the built-in default (see domain/routing/route.ts).
 */
const RouteSchema = z.strictObject({
  to: z.array(role).min(1, { error: '至少要有一个接收角色' }).optional(),
  cc: z.array(role).optional(),
  /** Subset of the plan's channels; [] sends nothing for this event. */
  channels: z.array(channel).optional(),
  ignoreQuietHours: z.boolean({ error: '应为 true 或 false' }).optional(),
});

const eventRoutes = Object.fromEntries(EVENT_KINDS.map((k) => [k, RouteSchema.optional()])) as Record<
  EventKind,
  z.ZodOptional<typeof RouteSchema>
>;

const QuietHoursSchema = z.strictObject({
  email: quietRule.default(DEFAULT_QUIET_HOURS.email),
  sms: quietRule.default(DEFAULT_QUIET_HOURS.sms),
  dingtalk: quietRule.default(DEFAULT_QUIET_HOURS.dingtalk),
  wecom: quietRule.default(DEFAULT_QUIET_HOURS.wecom),
});

const RoutingSchema = z.strictObject({
  /** Per event kind; escalation ladders take their recipients from escalation.levels instead. */
  events: z.strictObject(eventRoutes).default({}),
  /** Per channel: office_hours | working_days | any_time. */
  quietHours: QuietHoursSchema.default({ ...DEFAULT_QUIET_HOURS }),
  /**
   * Kinds that need no urgency (减负): held and sent at most once per working day per person, in a
   * daily bundle at the office opening (activities/notify/README.md). Escalations cannot be.
   */
  nonUrgent: z
    .array(enumOf(EVENT_KINDS, '通知类型'))
    .refine((ks) => !ks.some((k) => (ESCALATION_EVENT_KINDS as readonly string[]).includes(k)), {
      error: '催办、督办、通报是逾期升级提醒，不能列为非紧急（nonUrgent）',
    })
    .refine((ks) => new Set(ks).size === ks.length, { error: '通知类型不能重复' })
    .optional(),
});

const TimeScaleSchema = z.strictObject({
  /** For demos: one plan day lasts this long in real time; every instant is compressed towards the start. */
  dayLasts: duration,
});

export const PlanSchema = z.strictObject({
  schemaVersion: z.literal(1, { error: 'schemaVersion 目前只能是 1' }),
  id: slug,
  title: text,
  /** Seed file this plan was transcribed from, for people and the fidelity test. */
  source: z.string({ error: '应为文字' }).optional(),
  /** Unit types this plan is written for. */
  unitTypes: z.array(unitType).min(1, { error: '至少列出一个单位类型' }),
  timeZone: z.string({ error: '应为时区名称，如 Asia/Shanghai' }).default('Asia/Shanghai'),
  calendar: CalendarSchema.default({
    kind: 'cn',
    officeHours: { start: '09:00', end: '17:30' },
    overrides: [],
  }),
  deadlineOnHoliday: enumOf(Object.keys(HOLIDAY_RULES) as HolidayRule[], '节假日截止规则').default(
    'previous_working_day',
  ),
  timeScale: TimeScaleSchema.optional(),
  channels: z.array(channel).min(1, { error: '至少要有一个通知渠道' }),
  routing: RoutingSchema.default({ events: {}, quietHours: { ...DEFAULT_QUIET_HOURS } }),
  checklists: z.record(slug, ChecklistSchema).default({}),
  reminders: ReminderPolicySchema,
  escalation: EscalationPolicySchema,
  review: ReviewPolicySchema.optional(),
  extension: ExtensionPolicySchema.optional(),
  lookBack: LookBackSchema.optional(),
  satisfaction: SatisfactionSchema.optional(),
  continuedRectification: ContinuedRectificationSchema.optional(),
  stages: z.array(StageSchema).min(1, { error: '至少要有一个阶段' }),
});

/** A validated plan (defaults filled in). Plain JSON: safe to pass into a workflow. */
export type Plan = z.output<typeof PlanSchema>;
/** What a plan file may contain before defaults. */
export type PlanInput = z.input<typeof PlanSchema>;
export type Stage = Plan['stages'][number];
export type Step = Stage['steps'][number];
export type Window = z.output<typeof WindowSchema>;
export type AppliesTo = z.output<typeof AppliesToSchema>;
export type Deliverable = z.output<typeof DeliverableSchema>;
export type Recipient = z.output<typeof RecipientSchema>;
export type Review = z.output<typeof ReviewSchema>;
export type ReviewPolicy = z.output<typeof ReviewPolicySchema>;
export type ExtensionPolicy = z.output<typeof ExtensionPolicySchema>;
export type Checklist = z.output<typeof ChecklistSchema>;
export type CalendarSpec = z.output<typeof CalendarSchema>;
export type CalendarOverride = z.output<typeof CalendarOverrideSchema>;
export type ReminderPolicy = z.output<typeof ReminderPolicySchema>;
export type EscalationLevel = z.output<typeof EscalationLevelSchema>;
export type EscalationPolicy = z.output<typeof EscalationPolicySchema>;
export type LookBackPolicy = z.output<typeof LookBackSchema>;
export type SatisfactionRule = z.output<typeof SatisfactionSchema>;
export type ContinuedRectification = z.output<typeof ContinuedRectificationSchema>;
export type Route = z.output<typeof RouteSchema>;
export type Routing = z.output<typeof RoutingSchema>;
export type StageOpens = Stage['opens'];
