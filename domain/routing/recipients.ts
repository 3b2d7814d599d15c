/**
 * Plan roles → the people and group robots of one unit who receive a notification. The shapes
 * are structural so a RosterUnit, the workflow's CampaignUnit or a test literal all fit.
 */
import type { Role } from '../plan/schema.js';

/** One addressee of a notification, as the notification activities take it. */
export interface Recipient {
  /**
   * Which kind of addressee (liaison, head, group, group_robot, office, paired, district_leader):
   * printed nowhere, part of the delivery key, so it must not change for a given person.
   */
  role: string;
  name: string;
  email?: string;
  /** Bare 11-digit mainland number (the roster normalises it). */
  mobile?: string;
  /** Group-robot webhooks as the roster holds them. */
  dingtalkWebhook?: string;
  wecomWebhook?: string;
}

export interface ContactPerson {
  readonly name: string;
  /** In a 指导组: 组长 (leader), 副组长 (deputy) or member, as the roster says. */
  readonly role?: string | undefined;
  readonly email?: string | undefined;
  readonly mobile?: string | undefined;
}

export interface UnitContacts {
  /** 第一责任人. */
  readonly head: ContactPerson;
  /** 联络员. */
  readonly liaison: ContactPerson;
  /** The unit's 指导组: every member, plus its group-chat robots if the roster has them. */
  readonly group: {
    readonly name: string;
    readonly members: readonly ContactPerson[];
    readonly dingtalkWebhook?: string | undefined;
    readonly wecomWebhook?: string | undefined;
  };
  /** 结对共建单位 (reached by email only: the roster holds no mobile for it). */
  readonly pairedAgency?: { readonly name: string; readonly email?: string | undefined } | undefined;
  /** 活动办: not part of a roster unit; the campaign supplies it. */
  readonly office?: { readonly members: readonly ContactPerson[] } | undefined;
  /** 区主要负责同志, when the campaign names one. */
  readonly districtLeader?: ContactPerson | undefined;
}

// Kept equal to the keys the workflow used before routing existed, so delivery keys stay stable.
const RECIPIENT_ROLE: Record<Role, string> = {
  liaison: 'liaison',
  unit_head: 'head',
  supervisor_group: 'group',
  office: 'office',
  paired_agency: 'paired',
  district_leader: 'district_leader',
  group_leader: 'group_leader',
};

function person(role: string, p: ContactPerson): Recipient {
  return {
    role,
    name: p.name,
    ...(p.email ? { email: p.email } : {}),
    ...(p.mobile ? { mobile: p.mobile } : {}),
  };
}

/**
 * Every addressee for `roles`, in the order given (pass `[...to, ...cc]`). A person or robot
 * reached through two roles (a head who is also in the office) appears once, under the first.
 * Roles with nobody behind them (no paired agency, no district leader) yield nobody.
 */
export function recipientsFor(roles: readonly Role[], contacts: UnitContacts): Recipient[] {
  const out: Recipient[] = [];
  for (const role of roles) {
    const as = RECIPIENT_ROLE[role];
    switch (role) {
      case 'liaison':
        out.push(person(as, contacts.liaison));
        break;
      case 'unit_head':
        out.push(person(as, contacts.head));
        break;
      case 'supervisor_group': {
        const g = contacts.group;
        for (const m of g.members) out.push(person(as, m));
        if (g.dingtalkWebhook || g.wecomWebhook) {
          out.push({
            role: 'group_robot',
            name: g.name,
            ...(g.dingtalkWebhook ? { dingtalkWebhook: g.dingtalkWebhook } : {}),
            ...(g.wecomWebhook ? { wecomWebhook: g.wecomWebhook } : {}),
          });
        }
        break;
      }
      case 'group_leader': {
        // A group whose roster names no 组长 is reached as a whole: nobody is left out.
        const leaders = contacts.group.members.filter((m) => m.role === 'leader');
        for (const m of leaders.length > 0 ? leaders : contacts.group.members) out.push(person(as, m));
        break;
      }
      case 'office':
        for (const m of contacts.office?.members ?? []) out.push(person(as, m));
        break;
      case 'paired_agency':
        if (contacts.pairedAgency) {
          out.push({
            role: as,
            name: contacts.pairedAgency.name,
            ...(contacts.pairedAgency.email ? { email: contacts.pairedAgency.email } : {}),
          });
        }
        break;
      case 'district_leader':
        if (contacts.districtLeader) out.push(person(as, contacts.districtLeader));
        break;
    }
  }
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = [r.name, r.email ?? '', r.mobile ?? '', r.dingtalkWebhook ?? '', r.wecomWebhook ?? ''].join(
      '|',
    );
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
