import { GROUP_COLUMNS, type GroupColumnKey } from './columns.js';
import { normaliseEmail, normaliseMobile, normaliseWebhook } from './contact-formats.js';
import { rosterError, rosterWarning } from './messages.js';
import type { RawRow, RawSheet } from './raw-sheet.js';
import { cellOf, headerText, locateHeader, type LocatedHeader } from './sheet-header.js';
import {
  CHANNEL_LABELS,
  type Channel,
  type GroupMember,
  type GroupRole,
  type RosterError,
  type SupervisorGroup,
} from './types.js';

const ROLE_WORDS: Readonly<Record<string, GroupRole>> = {
  组长: 'leader',
  指导组组长: 'leader',
  leader: 'leader',
  副组长: 'deputy',
  deputy: 'deputy',
  成员: 'member',
  组员: 'member',
  指导员: 'member',
  member: 'member',
};

export interface GroupState {
  id: string;
  firstRow: number;
  name?: string;
  nameRow?: number;
  dingtalkWebhook?: string;
  dingtalkRow?: number;
  wecomWebhook?: string;
  wecomRow?: number;
  /** Rows naming a member, valid or not: "no members" means none were even written down. */
  memberRows: number;
  anyEmail: boolean;
  anyMobile: boolean;
  /** Members from rows without errors: the only ones a skip-bad-rows launch may use. */
  members: GroupMember[];
  /** Webhook columns that were filled in but unusable (reported on their row, not again as missing). */
  invalidWebhooks: Set<'dingtalkWebhook' | 'wecomWebhook'>;
  /** A problem with the group as a whole (conflicting names, no members, no contact for a channel). */
  groupLevelError: boolean;
  /** The whole-group errors, so the units they block can be named in them afterwards. */
  levelErrors: RosterError[];
}

export interface GroupsOutcome {
  /** False when there is no groups table at all (then units cannot be checked against it). */
  present: boolean;
  byId: Map<string, GroupState>;
  rowsWithErrors: Set<number>;
}

/** A group can be assigned to units only if nothing is wrong with it as a whole and it can be reached. */
export function isUsable(g: GroupState, channels: readonly Channel[]): boolean {
  if (g.groupLevelError || g.members.length === 0) return false;
  if (channels.includes('email') && !g.members.some((m) => m.email !== undefined)) return false;
  if (channels.includes('sms') && !g.members.some((m) => m.mobile !== undefined)) return false;
  return true;
}

export function toSupervisorGroup(g: GroupState): SupervisorGroup {
  const out: SupervisorGroup = { id: g.id, name: g.name ?? g.id, members: g.members };
  if (g.dingtalkWebhook !== undefined) out.dingtalkWebhook = g.dingtalkWebhook;
  if (g.wecomWebhook !== undefined) out.wecomWebhook = g.wecomWebhook;
  return out;
}

export function validateGroups(
  sheet: RawSheet | undefined,
  channels: readonly Channel[],
  errors: RosterError[],
  warnings: RosterError[],
): GroupsOutcome {
  const outcome: GroupsOutcome = { present: false, byId: new Map(), rowsWithErrors: new Set() };
  if (!sheet) {
    errors.push(
      rosterError(
        'file',
        undefined,
        undefined,
        'groups_missing',
        '缺少指导组表：XLSX 需有名为「指导组」的工作表，CSV 需用 --groups 指定指导组文件',
      ),
    );
    return outcome;
  }

  const extra = new Map<GroupColumnKey, string>();
  if (channels.includes('email')) extra.set('email', '方案使用邮件通知');
  if (channels.includes('sms')) extra.set('mobile', '方案使用短信通知');
  if (channels.includes('dingtalk')) extra.set('dingtalkWebhook', '方案使用钉钉通知');
  if (channels.includes('wecom')) extra.set('wecomWebhook', '方案使用企业微信通知');
  const header = locateHeader(
    sheet,
    'groups',
    GROUP_COLUMNS,
    ['groupId', 'memberName'],
    extra,
    errors,
    warnings,
  );
  if (!header) return outcome;
  outcome.present = true;

  const col = (key: GroupColumnKey): string => headerText(header, GROUP_COLUMNS, key);
  let previousGroupId: string | undefined;

  for (const row of header.rows) {
    const rowErrorsBefore = errors.length;
    const fail = (key: GroupColumnKey, code: RosterError['code'], text: string): RosterError => {
      const e = rosterError('groups', row.row, col(key), code, text);
      errors.push(e);
      return e;
    };

    let groupId = cellOf(header, row, 'groupId');
    // Offices merge the 指导组编号 cell down over a group's members; in CSV that leaves blanks.
    if (groupId === '' && previousGroupId !== undefined) groupId = previousGroupId;
    if (groupId === '') {
      fail('groupId', 'required', '不能为空');
      outcome.rowsWithErrors.add(row.row);
      continue;
    }
    previousGroupId = groupId;

    let state = outcome.byId.get(groupId);
    if (!state) {
      state = {
        id: groupId,
        firstRow: row.row,
        memberRows: 0,
        anyEmail: false,
        anyMobile: false,
        members: [],
        invalidWebhooks: new Set(),
        groupLevelError: false,
        levelErrors: [],
      };
      outcome.byId.set(groupId, state);
    }

    checkGroupAttributes(header, row, state, col, fail);

    const member = readMember(header, row, col, fail);
    if (member.named) state.memberRows += 1;
    if (cellOf(header, row, 'email') !== '') state.anyEmail = true;
    if (cellOf(header, row, 'mobile') !== '') state.anyMobile = true;

    if (errors.length > rowErrorsBefore) {
      outcome.rowsWithErrors.add(row.row);
    } else if (member.value) {
      state.members.push(member.value);
      if (channels.includes('email') && member.value.email === undefined) {
        warnings.push(
          rosterWarning(
            'groups',
            row.row,
            col('email'),
            'member_contact_missing',
            `成员「${member.value.name}」没有邮箱，收不到邮件通知`,
          ),
        );
      }
      if (channels.includes('sms') && member.value.mobile === undefined) {
        warnings.push(
          rosterWarning(
            'groups',
            row.row,
            col('mobile'),
            'member_contact_missing',
            `成员「${member.value.name}」没有手机号，收不到短信通知`,
          ),
        );
      }
    }
  }

  for (const g of outcome.byId.values()) {
    checkGroupAsWhole(header, g, channels, col, errors, warnings);
  }
  return outcome;
}

type Fail = (key: GroupColumnKey, code: RosterError['code'], text: string) => RosterError;

/** Name and webhooks belong to the group; any of its rows may carry them, but they must agree. */
function checkGroupAttributes(
  header: LocatedHeader<GroupColumnKey>,
  row: RawRow,
  g: GroupState,
  col: (k: GroupColumnKey) => string,
  fail: Fail,
): void {
  const name = cellOf(header, row, 'groupName');
  if (name !== '') {
    if (g.name === undefined) {
      g.name = name;
      g.nameRow = row.row;
    } else if (g.name !== name) {
      g.levelErrors.push(
        fail(
          'groupName',
          'group_conflict',
          `「${name}」与第 ${g.nameRow} 行的「${g.name}」不一致（同一指导组「${g.id}」）`,
        ),
      );
      g.groupLevelError = true;
    }
  }
  for (const [key, label] of [
    ['dingtalkWebhook', '钉钉'],
    ['wecomWebhook', '企业微信'],
  ] as const) {
    const raw = cellOf(header, row, key);
    if (raw === '') continue;
    const url = normaliseWebhook(raw);
    if (url === undefined) {
      g.levelErrors.push(
        fail(key, 'invalid_webhook', `「${raw}」不是有效的${label}机器人网址（应以 https:// 开头）`),
      );
      g.invalidWebhooks.add(key);
      g.groupLevelError = true;
      continue;
    }
    const current = key === 'dingtalkWebhook' ? g.dingtalkWebhook : g.wecomWebhook;
    const currentRow = key === 'dingtalkWebhook' ? g.dingtalkRow : g.wecomRow;
    if (current === undefined) {
      if (key === 'dingtalkWebhook') {
        g.dingtalkWebhook = url;
        g.dingtalkRow = row.row;
      } else {
        g.wecomWebhook = url;
        g.wecomRow = row.row;
      }
    } else if (current !== url) {
      g.levelErrors.push(
        fail(
          key,
          'group_conflict',
          `与第 ${currentRow} 行填写的网址不一致（同一指导组「${g.id}」只能有一个${label}机器人）`,
        ),
      );
      g.groupLevelError = true;
    }
  }
}

function readMember(
  header: LocatedHeader<GroupColumnKey>,
  row: RawRow,
  col: (k: GroupColumnKey) => string,
  fail: Fail,
): { named: boolean; value?: GroupMember } {
  const name = cellOf(header, row, 'memberName');
  const roleText = cellOf(header, row, 'role');
  const emailText = cellOf(header, row, 'email');
  const mobileText = cellOf(header, row, 'mobile');
  if (name === '') {
    // A row with only group attributes (名称, 机器人) defines the group; it is not a member.
    if (roleText !== '' || emailText !== '' || mobileText !== '') fail('memberName', 'required', '不能为空');
    return { named: false };
  }
  let ok = true;
  let role: GroupRole = 'member';
  if (roleText !== '') {
    const r = ROLE_WORDS[roleText.normalize('NFKC').replace(/\s+/g, '').toLowerCase()];
    if (r === undefined) {
      fail('role', 'unknown_role', `「${roleText}」不是已知的角色（可用：组长、副组长、成员）`);
      ok = false;
    } else {
      role = r;
    }
  }
  const member: GroupMember = { name, role, sourceRow: row.row };
  if (emailText !== '') {
    const email = normaliseEmail(emailText);
    if (email === undefined) {
      fail('email', 'invalid_email', `「${emailText}」不是有效的邮箱地址`);
      ok = false;
    } else {
      member.email = email;
    }
  }
  if (mobileText !== '') {
    const mobile = normaliseMobile(mobileText);
    if (mobile === undefined) {
      fail('mobile', 'invalid_mobile', `「${mobileText}」不是 11 位大陆手机号`);
      ok = false;
    } else {
      member.mobile = mobile;
    }
  }
  return ok ? { named: true, value: member } : { named: true };
}

function checkGroupAsWhole(
  header: LocatedHeader<GroupColumnKey>,
  g: GroupState,
  channels: readonly Channel[],
  col: (k: GroupColumnKey) => string,
  errors: RosterError[],
  warnings: RosterError[],
): void {
  const fail = (key: GroupColumnKey | undefined, code: RosterError['code'], text: string): void => {
    const e = rosterError('groups', g.firstRow, key === undefined ? undefined : col(key), code, text);
    errors.push(e);
    g.levelErrors.push(e);
    g.groupLevelError = true;
  };
  if (g.memberRows === 0) {
    fail('memberName', 'group_no_members', `指导组「${g.id}」没有成员`);
    return;
  }
  if (channels.includes('email') && header.index.has('email') && !g.anyEmail) {
    fail(
      'email',
      'group_no_contact',
      `指导组「${g.id}」没有任何成员填写邮箱（方案使用${CHANNEL_LABELS.email}通知）`,
    );
  }
  if (channels.includes('sms') && header.index.has('mobile') && !g.anyMobile) {
    fail(
      'mobile',
      'group_no_contact',
      `指导组「${g.id}」没有任何成员填写手机号（方案使用${CHANNEL_LABELS.sms}通知）`,
    );
  }
  if (
    channels.includes('dingtalk') &&
    header.index.has('dingtalkWebhook') &&
    g.dingtalkWebhook === undefined &&
    !g.invalidWebhooks.has('dingtalkWebhook')
  ) {
    fail(
      'dingtalkWebhook',
      'group_no_contact',
      `指导组「${g.id}」没有填写钉钉机器人网址（方案使用${CHANNEL_LABELS.dingtalk}通知）`,
    );
  }
  if (
    channels.includes('wecom') &&
    header.index.has('wecomWebhook') &&
    g.wecomWebhook === undefined &&
    !g.invalidWebhooks.has('wecomWebhook')
  ) {
    fail(
      'wecomWebhook',
      'group_no_contact',
      `指导组「${g.id}」没有填写企业微信机器人网址（方案使用${CHANNEL_LABELS.wecom}通知）`,
    );
  }
  if (!g.members.some((m) => m.role === 'leader') && g.memberRows > 0) {
    warnings.push(
      rosterWarning('groups', g.firstRow, col('role'), 'group_no_leader', `指导组「${g.id}」没有组长`),
    );
  }
}
