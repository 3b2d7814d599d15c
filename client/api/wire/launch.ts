/** POST …/start: what a launch did, unit by unit, and the logins it issued. */
import type { RosterError } from '../../../domain/roster/types.js';
import type { IssuedToken } from './session.js';

export type UnitLaunchOutcome =
  | { unitId: string; unitName: string; outcome: 'started' }
  | { unitId: string; unitName: string; outcome: 'already_running' }
  | { unitId: string; unitName: string; outcome: 'refused'; reason: string };

/** A launch that went ahead, as the launch library returns it; the API adds the logins it issued. */
export interface LaunchedCampaign {
  ok: true;
  campaignId: string;
  planId: string;
  planTitle: string;
  started: number;
  alreadyRunning: number;
  refused: number;
  units: UnitLaunchOutcome[];
  rosterErrors: RosterError[];
  skippedRows: number[];
  /** Years the campaign runs into without public-holiday data (Chinese, one line per year). */
  calendarWarnings: string[];
  elapsedMs: number;
}

export interface LaunchSummary extends LaunchedCampaign {
  /** Logins issued by this start; the plain tokens are shown only now. */
  tokens: IssuedToken[];
}
