import { UNIT_FLAGS, UNIT_TYPES, parseUnitFlag, parseUnitType, type UnitFlag } from '../unit-types.js';
import { UNIT_COLUMNS, type UnitColumnKey } from './columns.js';
import { normaliseEmail, normaliseMobile } from './contact-formats.js';
import { rosterError, rosterWarning } from './messages.js';
import type { RawSheet } from './raw-sheet.js';
import { cellOf, headerText, locateHeader } from './sheet-header.js';
import type { Channel, Person, RosterError, RosterUnit, SupervisorGroup } from './types.js';
import { CHANNEL_LABELS } from './types.js';
import { isUsable, toSupervisorGroup, validateGroups, type GroupState } from './validate-groups.js';

/**
 * Pure roster validation: two tables of text in, units and groups out, with every problem found
 * reported at once. No I/O here; the CSV and XLSX readers produce the RawSheets.
 */

export interface RosterInput {
  units: RawSheet;
  /** The 指导组 table; undefined when the office did not provide one (an error). */
  groups: RawSheet | undefined;
}

export interface ValidateOptions {
  /** Channels the plan notifies through; each makes its contact columns mandatory. */
  channels: readonly Channel[];
  /**
   * The office's explicit decision to launch the good rows of a roster that has bad ones. Without
   * it an invalid roster yields no units at all. Whole-file problems (missing columns, missing
   * 指导组 table) can never be skipped.
   */
  skipBadRows?: boolean;
}

export interface RosterResult {
  /** Units that may be started: all of them for a clean roster, none for an invalid one (unless skipBadRows). */
  units: RosterUnit[];
  groups: SupervisorGroup[];
  /** Every problem, in the order the office reads the file: whole-file, units sheet, 指导组 sheet. */
  errors: RosterError[];
  /** Worth telling the office, never blocking (ignored columns, a group without 组长, unused groups). */
  warnings: RosterError[];
  /** Units-sheet rows that have at least one error (header is row 1), ascending. */
  rowsWithErrors: number[];
  /** 指导组-sheet rows that have at least one error, ascending. */
  groupRowsWithErrors: number[];
  /** Data rows found in the units sheet (blank rows not counted). */
  unitRowCount: number;
  /** Distinct 指导组 found in the groups sheet. */
  groupCount: number;
  /** Errors that no row-skipping can get around: unreadable file, missing columns or 指导组 table. */
  fatal: boolean;
  /** True when the returned units may be launched: no errors, or skipBadRows and nothing fatal. */
  usable: boolean;
}

const FATAL_CODES = new Set<RosterError['code']>([
  'file_unreadable',
  'file_empty',
  'header_missing',
  'column_missing',
  'column_duplicate',
  'groups_missing',
  'csv_syntax',
]);

/** Words offices write in 标记 to mean "no flag"; they must not be read as unknown flags. */
const NO_FLAG_WORDS = new Set(['无', '-', '—', '/', '未设党委', '不设党委', '无党委']);

/** Flags that only make sense for a school (as strings: the flag list is still growing). */
const SCHOOL_ONLY_FLAGS: ReadonlySet<string> = new Set(['large_school', 'secondary_school']);

const ID_PATTERN = /^[\p{L}\p{N}_.-]{1,64}$/u;

export function validateRoster(input: RosterInput, options: ValidateOptions): RosterResult {
  const channels = options.channels;
  const errors: RosterError[] = [];
  const warnings: RosterError[] = [];

  const groups = validateGroups(input.groups, channels, errors, warnings);

  const extra = new Map<UnitColumnKey, string>();
  if (channels.includes('email')) {
    extra.set('headEmail', '方案使用邮件通知');
    extra.set('liaisonEmail', '方案使用邮件通知');
  }
  if (channels.includes('sms')) {
    extra.set('headMobile', '方案使用短信通知');
    extra.set('liaisonMobile', '方案使用短信通知');
  }
  const header = locateHeader(input.units, 'units', UNIT_COLUMNS, ['unitId'], extra, errors, warnings);

  const candidates: RosterUnit[] = [];
  const badUnitRows = new Set<number>();
  const blockedRows = new Map<GroupState, number[]>();
  const referenced = new Set<string>();

  if (header) {
    const col = (key: UnitColumnKey): string => headerText(header, UNIT_COLUMNS, key);
    const groupNames = indexGroupNames(groups.byId);
    const idRows = new Map<string, number[]>();
    const nameRows = new Map<string, number[]>();

    for (const row of header.rows) {
      const before = errors.length;
      const fail = (key: UnitColumnKey, code: RosterError['code'], text: string): void => {
        errors.push(rosterError('units', row.row, col(key), code, text));
      };
      const cell = (key: UnitColumnKey): string => cellOf(header, row, key);
      const present = (key: UnitColumnKey): boolean => header.index.has(key);
      const required = (key: UnitColumnKey): string => {
        const v = cell(key);
        if (v === '' && present(key)) fail(key, 'required', '不能为空');
        return v;
      };

      const id = required('unitId');
      if (id !== '') {
        if (!ID_PATTERN.test(id))
          fail('unitId', 'invalid_id', `「${id}」只能由文字、数字、-、_、. 组成（不能有空格或标点）`);
        idRows.set(id, [...(idRows.get(id) ?? []), row.row]);
      }
      const name = required('name');
      if (name !== '') nameRows.set(name, [...(nameRows.get(name) ?? []), row.row]);

      const typeText = required('type');
      const type = typeText === '' ? undefined : parseUnitType(typeText);
      if (typeText !== '' && type === undefined) {
        fail(
          'type',
          'unknown_type',
          `「${typeText}」不是已知的单位类型（可用：${Object.values(UNIT_TYPES).join('、')}）`,
        );
      }

      const flags: UnitFlag[] = [];
      for (const word of splitList(cell('flags'))) {
        if (NO_FLAG_WORDS.has(word)) continue;
        const flag = parseUnitFlag(word);
        if (flag === undefined) {
          fail(
            'flags',
            'unknown_flag',
            `「${word}」不是已知的标记（可用：${Object.values(UNIT_FLAGS).join('、')}）`,
          );
        } else if (SCHOOL_ONLY_FLAGS.has(flag) && type !== undefined && type !== 'school') {
          fail(
            'flags',
            'flag_not_applicable',
            `「${word}」只适用于${UNIT_TYPES.school}，本单位类型是${UNIT_TYPES[type]}`,
          );
        } else if (!flags.includes(flag)) {
          flags.push(flag);
        }
      }

      const head = readPerson('headName', 'headEmail', 'headMobile', required, cell, fail, present, channels);
      const liaison = readPerson(
        'liaisonName',
        'liaisonEmail',
        'liaisonMobile',
        required,
        cell,
        fail,
        present,
        channels,
      );

      const groupText = required('group');
      let group: GroupState | undefined;
      if (groupText !== '' && groups.present) {
        const byId = groups.byId.get(groupText);
        const byName = groupNames.get(groupText) ?? [];
        if (byId) group = byId;
        else if (byName.length === 1) group = byName[0];
        else if (byName.length > 1) {
          fail(
            'group',
            'ambiguous_group',
            `「${groupText}」对应多个指导组（${byName.map((g) => g.id).join('、')}），请填写指导组编号`,
          );
        } else {
          fail('group', 'unknown_group', `「${groupText}」不在指导组表中`);
        }
        if (group) {
          referenced.add(group.id);
          // Reported once on the group (see below), not on every unit: one cause, one message.
          if (!isUsable(group, channels))
            blockedRows.set(group, [...(blockedRows.get(group) ?? []), row.row]);
        }
      }

      const agencyName = cell('pairedAgency');
      const agencyEmailText = cell('pairedAgencyEmail');
      let pairedAgency: RosterUnit['pairedAgency'];
      if (agencyEmailText !== '') {
        const email = normaliseEmail(agencyEmailText);
        if (email === undefined)
          fail('pairedAgencyEmail', 'invalid_email', `「${agencyEmailText}」不是有效的邮箱地址`);
        if (agencyName === '') fail('pairedAgency', 'required', '填写了结对单位邮箱，结对单位名称不能为空');
        else if (email !== undefined) pairedAgency = { name: agencyName, email };
      } else if (agencyName !== '') {
        pairedAgency = { name: agencyName };
      }

      if (errors.length > before) {
        badUnitRows.add(row.row);
        continue;
      }
      if (group && !isUsable(group, channels)) badUnitRows.add(row.row);
      if (!type || !head || !liaison || !group) continue;
      const unit: RosterUnit = {
        id,
        name,
        type,
        flags,
        head,
        liaison,
        groupId: group.id,
        group: toSupervisorGroup(group),
        sourceRow: row.row,
      };
      if (pairedAgency) unit.pairedAgency = pairedAgency;
      candidates.push(unit);
    }

    // Both (all) rows of a duplicated id are wrong: the office must decide which one is meant.
    for (const [id, rows] of idRows) {
      if (rows.length < 2) continue;
      for (const r of rows) {
        const others = rows.filter((o) => o !== r).join('、');
        errors.push(rosterError('units', r, col('unitId'), 'duplicate_id', `「${id}」与第 ${others} 行重复`));
        badUnitRows.add(r);
      }
    }
    for (const [name, rows] of nameRows) {
      if (rows.length < 2) continue;
      warnings.push(
        rosterWarning(
          'units',
          rows[0],
          col('name'),
          'duplicate_name',
          `「${name}」在第 ${rows.join('、')} 行出现了多次，请确认不是同一单位`,
        ),
      );
    }
  }

  for (const [g, rows] of blockedRows) {
    const impact = `；分派给该组的单位（单位表第 ${rows.join('、')} 行）因此无法启动`;
    const first = g.levelErrors[0];
    if (first) {
      first.message += impact;
    } else {
      // Only the group's member rows are wrong, and without them nobody in the group can be reached.
      errors.push(
        rosterError(
          'groups',
          g.firstRow,
          undefined,
          'group_unusable',
          `指导组「${g.id}」去掉有错误的成员行后，没有可按方案通知到的成员${impact}`,
        ),
      );
    }
  }

  for (const g of groups.byId.values()) {
    if (header && !referenced.has(g.id)) {
      warnings.push(
        rosterWarning(
          'groups',
          g.firstRow,
          undefined,
          'group_unreferenced',
          `指导组「${g.id}」没有分派任何单位`,
        ),
      );
    }
  }

  sortByPlace(errors);
  sortByPlace(warnings);

  const fatal = errors.some((e) => FATAL_CODES.has(e.code));
  const usable = errors.length === 0 || (options.skipBadRows === true && !fatal);
  const units = usable ? candidates.filter((u) => !badUnitRows.has(u.sourceRow)) : [];
  const usableGroups = usable
    ? [...groups.byId.values()].filter((g) => isUsable(g, channels)).map(toSupervisorGroup)
    : [];

  return {
    units,
    groups: usableGroups,
    errors,
    warnings,
    rowsWithErrors: [...badUnitRows].sort((a, b) => a - b),
    groupRowsWithErrors: [...groups.rowsWithErrors].sort((a, b) => a - b),
    unitRowCount: header?.rows.length ?? 0,
    groupCount: groups.byId.size,
    fatal,
    usable,
  };
}

function readPerson(
  nameKey: UnitColumnKey,
  emailKey: UnitColumnKey,
  mobileKey: UnitColumnKey,
  required: (k: UnitColumnKey) => string,
  cell: (k: UnitColumnKey) => string,
  fail: (k: UnitColumnKey, code: RosterError['code'], text: string) => void,
  present: (k: UnitColumnKey) => boolean,
  channels: readonly Channel[],
): Person | undefined {
  const name = required(nameKey);
  const person: Person = { name };
  let ok = name !== '';
  const emailText = cell(emailKey);
  if (emailText !== '') {
    const email = normaliseEmail(emailText);
    if (email === undefined) {
      fail(emailKey, 'invalid_email', `「${emailText}」不是有效的邮箱地址`);
      ok = false;
    } else {
      person.email = email;
    }
  } else if (channels.includes('email') && present(emailKey)) {
    fail(emailKey, 'channel_contact_missing', `方案使用${CHANNEL_LABELS.email}通知，不能为空`);
    ok = false;
  }
  const mobileText = cell(mobileKey);
  if (mobileText !== '') {
    const mobile = normaliseMobile(mobileText);
    if (mobile === undefined) {
      fail(mobileKey, 'invalid_mobile', `「${mobileText}」不是 11 位大陆手机号`);
      ok = false;
    } else {
      person.mobile = mobile;
    }
  } else if (channels.includes('sms') && present(mobileKey)) {
    fail(mobileKey, 'channel_contact_missing', `方案使用${CHANNEL_LABELS.sms}通知，不能为空`);
    ok = false;
  }
  return ok ? person : undefined;
}

function indexGroupNames(byId: Map<string, GroupState>): Map<string, GroupState[]> {
  const out = new Map<string, GroupState[]>();
  for (const g of byId.values()) {
    if (g.name === undefined) continue;
    out.set(g.name, [...(out.get(g.name) ?? []), g]);
  }
  return out;
}

/** 标记 cells list several flags; offices separate them with 、 , ， ; ； or spaces. */
export function splitList(text: string): string[] {
  return text
    .split(/[、,，;；\s]+/)
    .map((w) => w.trim())
    .filter((w) => w !== '');
}

const SHEET_RANK = { file: 0, units: 1, groups: 2 } as const;

function sortByPlace(list: RosterError[]): void {
  // Array.prototype.sort is stable, so errors on one row keep their column order.
  list.sort((a, b) => SHEET_RANK[a.sheet] - SHEET_RANK[b.sheet] || (a.row ?? 0) - (b.row ?? 0));
}
