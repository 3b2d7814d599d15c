/**
 * The kinds of participating unit (参学单位) named in the seeds. The id is what plans and rosters
 * use; the label is what people read. Flags refine the work a unit does (e.g. a community with a
 * party committee holds a 民主生活会 and writes an 分析检查报告).
 */
export const UNIT_TYPES = {
  town_office: '镇机关',
  village: '农村党组织（村）',
  street_office: '街道机关',
  community: '社区（街道直属单位）',
  school: '中小学校',
  non_public: '两新组织',
  private_hospital: '民办医院',
  government_office: '政府机关',
  town_party_committee: '镇党委',
} as const;

export type UnitType = keyof typeof UNIT_TYPES;

export const UNIT_TYPE_IDS = Object.keys(UNIT_TYPES) as UnitType[];

/** Flags a roster row may carry; plans select steps by them. */
export const UNIT_FLAGS = {
  has_party_committee: '设党委',
  large_school: '规模较大的中学',
} as const;

export type UnitFlag = keyof typeof UNIT_FLAGS;

export const UNIT_FLAG_IDS = Object.keys(UNIT_FLAGS) as UnitFlag[];

/** Accepts either the id or the Chinese label (as an office would type it in Excel). */
export function parseUnitType(text: string): UnitType | undefined {
  const t = text.trim();
  if (t in UNIT_TYPES) return t as UnitType;
  const hit = (Object.entries(UNIT_TYPES) as [UnitType, string][]).find(([, label]) => label === t);
  return hit?.[0];
}

export function parseUnitFlag(text: string): UnitFlag | undefined {
  const t = text.trim();
  if (t in UNIT_FLAGS) return t as UnitFlag;
  const hit = (Object.entries(UNIT_FLAGS) as [UnitFlag, string][]).find(([, label]) => label === t);
  return hit?.[0];
}
