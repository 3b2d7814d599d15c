/** Plan roles → the people (and group robots) of this unit who receive a notification. */
import type { Role } from '../../domain/plan/schema.js';
import type { CampaignPerson, UnitCampaignInput } from './messages.js';

/** Shape of activities/notify Recipient; repeated so workflow code imports no activity module. */
export interface NotifyRecipient {
  role: string;
  name: string;
  email?: string;
  mobile?: string;
  dingtalkWebhook?: string;
  wecomWebhook?: string;
}

function person(role: string, p: CampaignPerson): NotifyRecipient {
  return { role, name: p.name, ...(p.email ? { email: p.email } : {}), ...(p.mobile ? { mobile: p.mobile } : {}) };
}

export function recipientsFor(input: UnitCampaignInput, roles: readonly Role[]): NotifyRecipient[] {
  const out: NotifyRecipient[] = [];
  for (const role of roles) {
    switch (role) {
      case 'liaison':
        out.push(person('liaison', input.unit.liaison));
        break;
      case 'unit_head':
        out.push(person('head', input.unit.head));
        break;
      case 'supervisor_group': {
        const g = input.unit.group;
        for (const m of g.members) out.push(person('group', m));
        if (g.dingtalkWebhook || g.wecomWebhook) {
          out.push({ role: 'group_robot', name: g.name, ...(g.dingtalkWebhook ? { dingtalkWebhook: g.dingtalkWebhook } : {}), ...(g.wecomWebhook ? { wecomWebhook: g.wecomWebhook } : {}) });
        }
        break;
      }
      case 'office':
        for (const m of input.office.members) out.push(person('office', m));
        break;
      case 'paired_agency':
        if (input.unit.pairedAgency) out.push({ role: 'paired', name: input.unit.pairedAgency.name, ...(input.unit.pairedAgency.email ? { email: input.unit.pairedAgency.email } : {}) });
        break;
      case 'district_leader':
        if (input.districtLeader) out.push(person('district_leader', input.districtLeader));
        break;
    }
  }
  // One person holding two roles (e.g. head who is also in the office) gets one message.
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = `${r.name}|${r.email ?? ''}|${r.mobile ?? ''}|${r.dingtalkWebhook ?? ''}|${r.wecomWebhook ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
