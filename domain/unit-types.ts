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
  /** 中学 (vs 小学): the school table gives 中学 a 民主生活会, 分析检查报告 and 整改落实方案. */
  secondary_school: '中学',
} as const;

export type UnitFlag = keyof typeof UNIT_FLAGS;

export const UNIT_FLAG_IDS = Object.keys(UNIT_FLAGS) as UnitFlag[];

/**
 * Other names an office uses for the same unit type in its spreadsheets. Each alias must name
 * exactly one type; ambiguous words (e.g. 机关, 医院) are deliberately absent.
 */
const UNIT_TYPE_ALIASES: Readonly<Record<string, UnitType>> = {
  村: 'village',
  农村党组织: 'village',
  村党组织: 'village',
  社区: 'community',
  街道直属单位: 'community',
  中小学: 'school',
  学校: 'school',
};

const UNIT_FLAG_ALIASES: Readonly<Record<string, UnitFlag>> = {
  有党委: 'has_party_committee',
  规模较大中学: 'large_school',
};

/** Full-width brackets and stray spaces are invisible in Excel; compare without them. */
function foldLabel(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}

function lookup<K extends string>(
  text: string,
  labels: Readonly<Record<K, string>>,
  aliases: Readonly<Record<string, K>>,
): K | undefined {
  const t = text.trim();
  if (Object.hasOwn(labels, t)) return t as K;
  const folded = foldLabel(t);
  const hit = (Object.entries(labels) as [K, string][]).find(([, label]) => foldLabel(label) === folded);
  if (hit) return hit[0];
  return Object.hasOwn(aliases, folded) ? aliases[folded] : undefined;
}

/** Accepts the id, the Chinese label or an alias (as an office would type it in Excel). */
export function parseUnitType(text: string): UnitType | undefined {
  return lookup(text, UNIT_TYPES, UNIT_TYPE_ALIASES);
}

export function parseUnitFlag(text: string): UnitFlag | undefined {
  return lookup(text, UNIT_FLAGS, UNIT_FLAG_ALIASES);
}
