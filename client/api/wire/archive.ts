/** GET / POST …/archive: how far the background build of the campaign archive has got. */
export interface CampaignArchiveProgress {
  campaignId: string;
  /** none: never built. */
  state: 'none' | 'running' | 'done' | 'failed';
  startedAt?: string;
  updatedAt?: string;
  total: number;
  /** Units whose archive is in the folder (built now or found from an earlier run). */
  done: number;
  /** Of those, the ones found from an earlier run and not built again. */
  reused: number;
  failed: { unitId: string; error: string }[];
  /** Set once state is done: the campaign-level reports included. */
  reports?: string[];
  error?: string;
}
