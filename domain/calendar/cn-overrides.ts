/**
 * Built-in additions to the Chinese holiday table, by year, for years the chinese-days package
 * does not (yet) cover or where a locality differs. A plan can add more with
 * `calendar.overrides`; plan entries win over these, and both win over the package.
 *
 * To add a year: copy the 国务院办公厅 notice's dates here (holidays working: false, 调休上班
 * working: true), cite the notice, and add a test in test/unit/calendar/.
 */
import type { IsoDate } from './dates.js';

export interface DayOverride {
  readonly date: IsoDate;
  readonly working: boolean;
  readonly note?: string;
}

export const CN_OVERRIDES_BY_YEAR: Readonly<Record<number, readonly DayOverride[]>> = {};
