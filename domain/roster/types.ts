import { z } from 'zod';
import { UNIT_FLAG_IDS, UNIT_TYPE_IDS } from '../unit-types.js';

/**
 * The shapes a validated roster produces. They are zod schemas as well as types so that workflow
 * code receiving a unit as input can re-check it at the boundary (zod is pure, safe in workflows).
 */

/** Notification channels a plan may use; each one needs its own contact data in the roster. */
export const CHANNELS = ['email', 'sms', 'dingtalk', 'wecom'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_LABELS: Record<Channel, string> = {
  email: '邮件',
  sms: '短信',
  dingtalk: '钉钉',
  wecom: '企业微信',
};

const PersonSchema = z.object({
  name: z.string().min(1),
  /** Lower-cased, trimmed; absent when the roster leaves it empty. */
  email: z.string().optional(),
  /** Normalised to the bare 11 digits (no +86, spaces or dashes). */
  mobile: z
    .string()
    .regex(/^1[3-9]\d{9}$/)
    .optional(),
});
export type Person = z.infer<typeof PersonSchema>;

const GROUP_ROLES = ['leader', 'deputy', 'member'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

const GroupMemberSchema = PersonSchema.extend({
  role: z.enum(GROUP_ROLES),
  /** Row of the groups sheet this member came from (header is row 1). */
  sourceRow: z.number().int().positive(),
});
export type GroupMember = z.infer<typeof GroupMemberSchema>;

/** A 指导组 (supervising group): reviews deliverables, receives escalations of its units. */
const SupervisorGroupSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  members: z.array(GroupMemberSchema).min(1),
  /** Group-chat robot webhooks (钉钉 / 企业微信 自定义机器人), when the plan uses those channels. */
  dingtalkWebhook: z.string().optional(),
  wecomWebhook: z.string().optional(),
});
export type SupervisorGroup = z.infer<typeof SupervisorGroupSchema>;

const PairedAgencySchema = z.object({
  name: z.string().min(1),
  email: z.string().optional(),
});
export type PairedAgency = z.infer<typeof PairedAgencySchema>;

/**
 * One participating unit with everything its workflow needs to reach people: the 第一责任人 (head),
 * the 联络员 (liaison), its 指导组 (embedded, so a unit is self-contained as workflow input) and the
 * paired agency (结对单位, copied on escalations).
 */
export const RosterUnitSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  type: z.enum(UNIT_TYPE_IDS),
  flags: z.array(z.enum(UNIT_FLAG_IDS)),
  head: PersonSchema,
  liaison: PersonSchema,
  groupId: z.string().min(1),
  group: SupervisorGroupSchema,
  pairedAgency: PairedAgencySchema.optional(),
  /** Row of the units sheet (header is row 1), for reports back to the office. */
  sourceRow: z.number().int().positive(),
});
export type RosterUnit = z.infer<typeof RosterUnitSchema>;

/** Which table an error points into: the units sheet, the 指导组 sheet, or the file as a whole. */
export type RosterSheet = 'units' | 'groups' | 'file';

export type RosterErrorCode =
  | 'file_unreadable'
  | 'file_empty'
  | 'header_missing'
  | 'column_missing'
  | 'column_duplicate'
  | 'groups_missing'
  | 'required'
  | 'invalid_id'
  | 'invalid_email'
  | 'invalid_mobile'
  | 'invalid_webhook'
  | 'unknown_type'
  | 'unknown_flag'
  | 'flag_not_applicable'
  | 'unknown_role'
  | 'duplicate_id'
  | 'unknown_group'
  | 'ambiguous_group'
  | 'group_conflict'
  | 'group_no_members'
  | 'group_no_contact'
  | 'group_unusable'
  | 'channel_contact_missing'
  | 'csv_syntax'
  // Warnings only: reported, never block a launch.
  | 'column_unknown'
  | 'group_unreferenced'
  | 'duplicate_name'
  | 'member_contact_missing'
  | 'group_no_leader';

export interface RosterError {
  sheet: RosterSheet;
  /** Spreadsheet row as the office sees it (header is row 1); absent for whole-file problems. */
  row?: number;
  /** Column header as written in the file (or its standard Chinese name when the column is missing). */
  column?: string;
  code: RosterErrorCode;
  /** Complete Chinese sentence, e.g. 第 7 行「联络员手机」: 「1381234567」不是 11 位大陆手机号 */
  message: string;
}
