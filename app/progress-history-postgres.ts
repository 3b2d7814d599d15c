/**
 * Progress samples in PostgreSQL, shared by every API replica: one curve per campaign whichever
 * replica the office reads, and at most one sample per interval across all of them (a per-campaign
 * advisory lock makes "is the last sample old enough?" and the insert one step).
 */
import type pg from 'pg';
import { inTransaction } from '../db/pool.js';
import type { CampaignOverview } from './visibility.js';
import { sampleOf, type ProgressSample, type ProgressStore } from './progress-history.js';

export interface PostgresProgressOptions {
  intervalMs?: number;
  maxSamples?: number;
  now?: () => number;
}

export class PostgresProgressHistory implements ProgressStore {
  readonly intervalMs: number;
  readonly maxSamples: number;
  private readonly now: () => number;

  /** The pool (already migrated) stays the caller's to close. */
  constructor(
    private readonly pool: pg.Pool,
    o: PostgresProgressOptions = {},
  ) {
    this.intervalMs = o.intervalMs ?? 60_000;
    this.maxSamples = o.maxSamples ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  async record(campaignId: string, overview: CampaignOverview): Promise<boolean> {
    const at = this.now();
    return inTransaction(this.pool, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(hashtext('progress:' || $1))`, [campaignId]);
      const last = await c.query<{ at: Date }>(
        'SELECT at FROM progress_sample WHERE campaign_id = $1 ORDER BY at DESC LIMIT 1',
        [campaignId],
      );
      const lastAt = last.rows[0]?.at.getTime();
      if (lastAt !== undefined && at - lastAt < this.intervalMs) return false;
      await c.query(
        'INSERT INTO progress_sample (campaign_id, at, sample) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [campaignId, new Date(at).toISOString(), JSON.stringify(sampleOf(overview, at))],
      );
      // Trim with some slack, like the file store, so a full history is not trimmed on every sample.
      const slack = Math.max(1, Math.floor(this.maxSamples / 10));
      await c.query(
        `DELETE FROM progress_sample WHERE campaign_id = $1 AND at < (
           SELECT at FROM progress_sample WHERE campaign_id = $1 ORDER BY at DESC OFFSET $2 LIMIT 1)
         AND (SELECT count(*) FROM progress_sample WHERE campaign_id = $1) > $3`,
        [campaignId, this.maxSamples - 1, this.maxSamples + slack],
      );
      return true;
    });
  }

  async samples(campaignId: string): Promise<ProgressSample[]> {
    const r = await this.pool.query<{ sample: ProgressSample }>(
      'SELECT sample FROM (SELECT sample, at FROM progress_sample WHERE campaign_id = $1 ORDER BY at DESC LIMIT $2) AS newest ORDER BY at',
      [campaignId, this.maxSamples],
    );
    return r.rows.map((row) => row.sample);
  }

  async close(): Promise<void> {}
}
