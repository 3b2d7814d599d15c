/**
 * The columns of the two roster tables. The office writes Chinese headers; the English ids are
 * accepted too so that exported or scripted files work. The label is what error messages name when
 * the column itself is missing; otherwise messages quote the header exactly as the file has it.
 */

export interface ColumnDef<K extends string> {
  key: K;
  label: string;
  aliases: readonly string[];
  required: boolean;
}

export type UnitColumnKey =
  | 'unitId'
  | 'name'
  | 'type'
  | 'flags'
  | 'headName'
  | 'headEmail'
  | 'headMobile'
  | 'liaisonName'
  | 'liaisonEmail'
  | 'liaisonMobile'
  | 'group'
  | 'pairedAgency'
  | 'pairedAgencyEmail';

export const UNIT_COLUMNS: readonly ColumnDef<UnitColumnKey>[] = [
  { key: 'unitId', label: '单位编号', aliases: ['unit_id', 'id', '编号', '单位代码'], required: true },
  { key: 'name', label: '单位名称', aliases: ['name', 'unit_name', '单位'], required: true },
  { key: 'type', label: '单位类型', aliases: ['type', 'unit_type', '类型'], required: true },
  { key: 'flags', label: '标记', aliases: ['flags', '单位标记'], required: false },
  { key: 'headName', label: '第一责任人', aliases: ['head_name', 'head', '第一责任人姓名'], required: true },
  {
    key: 'headEmail',
    label: '第一责任人邮箱',
    aliases: ['head_email', '第一责任人电子邮箱'],
    required: false,
  },
  {
    key: 'headMobile',
    label: '第一责任人手机',
    aliases: ['head_mobile', '第一责任人手机号', '第一责任人手机号码'],
    required: false,
  },
  { key: 'liaisonName', label: '联络员', aliases: ['liaison_name', 'liaison', '联络员姓名'], required: true },
  { key: 'liaisonEmail', label: '联络员邮箱', aliases: ['liaison_email', '联络员电子邮箱'], required: false },
  {
    key: 'liaisonMobile',
    label: '联络员手机',
    aliases: ['liaison_mobile', '联络员手机号', '联络员手机号码'],
    required: false,
  },
  {
    key: 'group',
    label: '指导组',
    aliases: ['group', 'group_id', '指导检查组', '指导组编号'],
    required: true,
  },
  {
    key: 'pairedAgency',
    label: '结对单位',
    aliases: ['paired_agency', '结对共建单位', '结对机关'],
    required: false,
  },
  {
    key: 'pairedAgencyEmail',
    label: '结对单位邮箱',
    aliases: ['paired_agency_email', '结对共建单位邮箱', '结对机关邮箱'],
    required: false,
  },
];

export type GroupColumnKey =
  'groupId' | 'groupName' | 'memberName' | 'role' | 'email' | 'mobile' | 'dingtalkWebhook' | 'wecomWebhook';

export const GROUP_COLUMNS: readonly ColumnDef<GroupColumnKey>[] = [
  { key: 'groupId', label: '指导组编号', aliases: ['group_id', '指导组', '组编号'], required: true },
  { key: 'groupName', label: '指导组名称', aliases: ['group_name', '组名'], required: false },
  { key: 'memberName', label: '成员姓名', aliases: ['member_name', 'name', '姓名', '成员'], required: true },
  { key: 'role', label: '角色', aliases: ['role', '职务'], required: false },
  { key: 'email', label: '邮箱', aliases: ['email', '电子邮箱', '邮件'], required: false },
  { key: 'mobile', label: '手机', aliases: ['mobile', '手机号', '手机号码'], required: false },
  {
    key: 'dingtalkWebhook',
    label: '钉钉机器人',
    aliases: ['dingtalk_webhook', '钉钉机器人webhook', '钉钉webhook', '钉钉'],
    required: false,
  },
  {
    key: 'wecomWebhook',
    label: '企业微信机器人',
    aliases: ['wecom_webhook', '企业微信机器人webhook', '企业微信webhook', '企业微信'],
    required: false,
  },
];

/**
 * Offices mark required columns with * or （必填） and sometimes type full-width letters; none of
 * that should stop a header from being recognised.
 */
function foldHeader(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\((必填|选填|可选)\)/g, '')
    .replace(/[\s*]/g, '')
    .toLowerCase();
}

export function matchColumn<K extends string>(
  header: string,
  columns: readonly ColumnDef<K>[],
): ColumnDef<K> | undefined {
  const h = foldHeader(header);
  if (h === '') return undefined;
  return columns.find((c) => foldHeader(c.label) === h || c.aliases.some((a) => foldHeader(a) === h));
}
