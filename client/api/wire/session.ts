/**
 * Who a token belongs to, as GET /api/me answers it, and the logins the API hands out once in
 * plain text.
 */
export type Role = 'office' | 'group' | 'unit';

/** The person a token names; the acting person of every request comes from here, never the body. */
export interface Principal {
  role: Role;
  personId: string;
  name: string;
  campaignId: string;
  unitId?: string;
  groupId?: string;
}

/** GET /api/me: the principal, plus the units it reaches (a unit: itself; a 指导组 member: its group's). */
export interface Me extends Principal {
  units?: string[];
}

/** A freshly issued login; the plain token leaves the server only in the answer that issues it. */
export interface IssuedToken {
  token: string;
  role: Role;
  personId: string;
  name: string;
  unitId?: string;
  groupId?: string;
  email?: string;
  mobile?: string;
}
