import type { AppliesTo } from '../plan/schema.js';
import type { UnitProfile } from './types.js';

/** Whether a stage or step selector matches a unit (omitted selector = every unit). */
export function appliesTo(selector: AppliesTo | undefined, unit: UnitProfile): boolean {
  if (!selector) return true;
  if (selector.unitTypes && !selector.unitTypes.includes(unit.type)) return false;
  if (selector.flags && !selector.flags.every((f) => unit.flags.includes(f))) return false;
  if (selector.notFlags && selector.notFlags.some((f) => unit.flags.includes(f))) return false;
  return true;
}
