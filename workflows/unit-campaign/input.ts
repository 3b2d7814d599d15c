/**
 * The unit workflow's input: who the unit is, who may act on it, and which plan it runs. Part of
 * the public surface (messages.ts re-exports it): no workflow-internal imports.
 */
import type { CalendarYearData } from '../../domain/calendar/holiday-year.js';
import type { UnitFlag, UnitType } from '../../domain/unit-types.js';

/** A person the workflow may notify and who may act on the unit. `id` is what Updates name. */
export interface CampaignPerson {
  id: string;
  name: string;
  email?: string;
  /** Bare 11-digit mainland number. */
  mobile?: string;
}

export interface CampaignUnit {
  id: string;
  name: string;
  type: UnitType;
  flags: UnitFlag[];
  /** 第一责任人. */
  head: CampaignPerson;
  /** 联络员. */
  liaison: CampaignPerson;
  /** The unit's 指导组: its members review deliverables and receive 督办. */
  group: {
    id: string;
    name: string;
    /** `role` leader marks the 组长 (review escalations go to them); absent in inputs from before. */
    members: (CampaignPerson & { role?: 'leader' | 'deputy' | 'member' })[];
    dingtalkWebhook?: string;
    wecomWebhook?: string;
  };
  /** 结对共建单位, copied on escalations. */
  pairedAgency?: { name: string; email?: string };
}

/** Plans travel by reference: the worker loads `plans/<id>.yaml` and checks its hash. */
export interface PlanRef {
  id: string;
  /** Lower-case hex SHA-256 of the plan file's bytes. */
  sha256: string;
}

export interface UnitCampaignInput {
  campaignId: string;
  /** 活动名称, printed in every notification. */
  campaignTitle: string;
  planRef: PlanRef;
  unit: CampaignUnit;
  /** 活动办: receives 通报 and results; its members may act with the office's rights. */
  office: { name: string; members: CampaignPerson[] };
  /** 区主要负责同志, when the plan sends something to `district_leader`. */
  districtLeader?: CampaignPerson;
  /** ISO date (office opening that day) or ISO instant. */
  start: string;
  /**
   * Holiday years loaded by the office (`campaign calendar add`) when the unit was launched: they
   * join the plan's calendar (the plan's own overrides still win). Later years arrive by Update.
   */
  calendarYears?: CalendarYearData[];
  /** Continue-as-new after this many history events (default 8000; tests lower it). */
  historyEventLimit?: number;
  /** Set by the workflow itself when it continues as new: the whole state of the previous run. */
  carried?: unknown;
}
