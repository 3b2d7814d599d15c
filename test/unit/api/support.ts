import type { RosterUnit } from '../../../domain/roster/types.js';

/** One 镇机关 unit A of 指导组 G1, as a roster gives it (for issuing tokens). */
export const UNIT_A: RosterUnit = {
  id: 'A',
  name: 'A镇机关',
  type: 'town_office',
  flags: [],
  head: { name: 'A书记', email: 'head-a@u.cn' },
  liaison: { name: 'A联络员', mobile: '13800000000' },
  groupId: 'G1',
  group: {
    id: 'G1',
    name: 'G1组',
    members: [{ name: 'G1组长', role: 'leader', sourceRow: 2, email: 'g1@g.cn' }],
  },
  sourceRow: 2,
};
