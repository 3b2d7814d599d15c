import { describe, expect, it } from 'vitest';
import type { RosterUnit } from '../../../domain/roster/types.js';
import { recipientsFor } from '../../../domain/routing/index.js';

const unit: RosterUnit = {
  id: 'u1',
  name: '青山村',
  type: 'village',
  flags: [],
  head: { name: '王书记', mobile: '13800000001', email: 'wang@qs.example.cn' },
  liaison: { name: '李联络', mobile: '13800000002' },
  groupId: 'g1',
  group: {
    id: 'g1',
    name: '第一指导组',
    members: [
      { name: '赵组长', role: 'leader', email: 'zhao@zd.example.cn', sourceRow: 2 },
      { name: '钱组员', role: 'member', mobile: '13800000003', sourceRow: 3 },
    ],
    dingtalkWebhook: 'https://oapi.dingtalk.com/robot/send?access_token=t1',
  },
  pairedAgency: { name: '区财政局', email: 'czj@qu.example.cn' },
  sourceRow: 2,
};

describe('recipientsFor', () => {
  it('maps each role of a roster unit to its people and the 指导组 robot, in the order asked', () => {
    expect(recipientsFor(['supervisor_group', 'unit_head', 'liaison', 'paired_agency'], unit)).toEqual([
      { role: 'group', name: '赵组长', email: 'zhao@zd.example.cn' },
      { role: 'group', name: '钱组员', mobile: '13800000003' },
      {
        role: 'group_robot',
        name: '第一指导组',
        dingtalkWebhook: 'https://oapi.dingtalk.com/robot/send?access_token=t1',
      },
      { role: 'head', name: '王书记', email: 'wang@qs.example.cn', mobile: '13800000001' },
      { role: 'liaison', name: '李联络', mobile: '13800000002' },
      { role: 'paired', name: '区财政局', email: 'czj@qu.example.cn' },
    ]);
  });

  it('reaches the office and the district leader only when the campaign supplies them', () => {
    expect(recipientsFor(['office', 'district_leader'], unit)).toEqual([]);
    const withOffice = {
      ...unit,
      office: { members: [{ name: '孙主任', email: 'sun@ban.example.cn' }] },
      districtLeader: { name: '周区长', email: 'zhou@qu.example.cn' },
    };
    expect(recipientsFor(['office', 'district_leader'], withOffice)).toEqual([
      { role: 'office', name: '孙主任', email: 'sun@ban.example.cn' },
      { role: 'district_leader', name: '周区长', email: 'zhou@qu.example.cn' },
    ]);
  });

  it('a unit without a paired agency or robot webhook simply has nobody there', () => {
    const { pairedAgency: _p, ...bare } = unit;
    const noRobot = { ...bare, group: { ...bare.group, dingtalkWebhook: undefined } };
    expect(recipientsFor(['paired_agency'], noRobot)).toEqual([]);
    expect(recipientsFor(['supervisor_group'], noRobot).map((r) => r.role)).toEqual(['group', 'group']);
  });

  it('one person reached through two roles receives one message, under the first role', () => {
    const headInOffice = {
      ...unit,
      office: { members: [{ name: '王书记', email: 'wang@qs.example.cn', mobile: '13800000001' }] },
    };
    expect(recipientsFor(['office', 'unit_head', 'unit_head'], headInOffice)).toEqual([
      { role: 'office', name: '王书记', email: 'wang@qs.example.cn', mobile: '13800000001' },
    ]);
  });

  it('group_leader reaches the 组长 alone, or the whole group when its roster names no 组长 (no robot either way)', () => {
    expect(recipientsFor(['group_leader'], unit)).toEqual([
      { role: 'group_leader', name: '赵组长', email: 'zhao@zd.example.cn' },
    ]);
    const noLeader = {
      ...unit,
      group: { ...unit.group, members: unit.group.members.map((m) => ({ ...m, role: 'member' as const })) },
    };
    expect(recipientsFor(['group_leader'], noLeader).map((r) => r.name)).toEqual(['赵组长', '钱组员']);
  });
});
