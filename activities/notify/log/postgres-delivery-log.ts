import type pg from 'pg';
import {
  decideClaim,
  fromProblemRow,
  fromRow,
  PROBLEM_COLUMNS,
  PROBLEM_FROM,
  FIRST_FIRING_LIKE,
  REPEAT_ID_LIKE,
  SCHEMA_STATEMENTS,
  settlesUncertain,
  type DeliveryRow,
  type ProblemRow,
} from './claim-rule.js';
import {
  checkResolvable,
  LostClaimError,
  PROBLEM_STATUSES,
  resolutionDetail,
  type AttemptRecord,
  type Resolution,
  type ClaimResult,
  type DeliveryLog,
  type Outcome,
} from './delivery-log.js';
import { openPool } from '../../../db/pool.js';

/** Used when DATABASE_URL is set; several workers may share it (row locks serialise claims). */
export async function openPostgresDeliveryLog(connectionString: string): Promise<DeliveryLog> {
  const pool = openPool(connectionString, { max: 10 });
  // Schema creation races between workers starting together; an advisory lock serialises it.
  const setup = await pool.connect();
  try {
    await setup.query('SELECT pg_advisory_lock(7215501)');
    for (const sql of SCHEMA_STATEMENTS) await setup.query(sql);
    await setup.query('SELECT pg_advisory_unlock(7215501)');
  } finally {
    setup.release();
  }

  async function tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  const addAttempt = (
    c: pg.PoolClient,
    key: string,
    attempt: number,
    at: string,
    outcome: string,
    detail: string | null,
  ) =>
    c.query(
      'INSERT INTO notify_attempt (delivery_key, attempt, at, outcome, detail) VALUES ($1, $2, $3, $4, $5)',
      [key, attempt, at, outcome, detail],
    );

  async function finish(
    o: Outcome,
    status: string,
    fields: {
      providerMessageId?: string | null;
      errorCode?: string;
      errorReason?: string;
      deferUntil?: Date;
    },
  ): Promise<void> {
    await tx(async (c) => {
      const now = o.now.toISOString();
      const res = await c.query<{ attempts: number }>(
        `UPDATE notify_delivery SET status = $3, claim_token = NULL, provider_message_id = COALESCE($4, provider_message_id),
           error_code = $5, error_reason = $6, defer_until = $7, updated_at = $8
         WHERE delivery_key = $1 AND (claim_token = $2 OR ($9 AND status = 'uncertain')) RETURNING attempts`,
        [
          o.deliveryKey,
          o.claimToken,
          status,
          fields.providerMessageId ?? null,
          fields.errorCode ?? null,
          fields.errorReason ?? null,
          fields.deferUntil ? fields.deferUntil.toISOString() : null,
          now,
          settlesUncertain(status),
        ],
      );
      const row = res.rows[0];
      if (!row) throw new LostClaimError(o.deliveryKey);
      await addAttempt(
        c,
        o.deliveryKey,
        Number(row.attempts),
        now,
        status,
        fields.errorReason ?? fields.providerMessageId ?? fields.deferUntil?.toISOString() ?? null,
      );
    });
  }

  return {
    claim: (req) =>
      tx(async (c): Promise<ClaimResult> => {
        const now = req.now.toISOString();
        const inserted = await c.query<DeliveryRow>(
          `INSERT INTO notify_delivery (delivery_key, notification_id, channel, event, role, recipient_name, address, status,
             attempts, claim_token, claimed_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'sending', 1, $8, $9, $9, $9)
           ON CONFLICT (delivery_key) DO NOTHING RETURNING *`,
          [
            req.deliveryKey,
            req.notificationId,
            req.channel,
            req.event,
            req.role,
            req.recipientName,
            req.address,
            req.claimToken,
            now,
          ],
        );
        if (inserted.rows[0]) {
          await addAttempt(c, req.deliveryKey, 1, now, 'claimed', null);
          return { kind: 'claimed', record: fromRow(inserted.rows[0]), tookOver: false };
        }
        const existing = await c.query<DeliveryRow>(
          'SELECT * FROM notify_delivery WHERE delivery_key = $1 FOR UPDATE',
          [req.deliveryKey],
        );
        const row = existing.rows[0] as DeliveryRow;
        const decision = decideClaim(fromRow(row), req);
        if (decision === 'done' || decision === 'busy') return { kind: decision, record: fromRow(row) };
        const updated = await c.query<DeliveryRow>(
          `UPDATE notify_delivery SET status = 'sending', attempts = attempts + 1, claim_token = $2, claimed_at = $3,
             address = $4, updated_at = $3 WHERE delivery_key = $1 RETURNING *`,
          [req.deliveryKey, req.claimToken, now, req.address],
        );
        const record = fromRow(updated.rows[0] as DeliveryRow);
        await addAttempt(
          c,
          req.deliveryKey,
          record.attempts,
          now,
          decision === 'take-over' ? 'took_over' : 'claimed',
          null,
        );
        const tookOver = decision === 'take-over';
        return {
          kind: 'claimed',
          record,
          tookOver,
          ...(tookOver && row.claimed_at ? { staleClaimedAt: row.claimed_at } : {}),
        };
      }),
    markSent: (o) => finish(o, 'sent', { providerMessageId: o.providerMessageId }),
    markFailed: (o) => finish(o, 'failed', o),
    markRetrying: (o) => finish(o, 'retrying', o),
    markDeferred: (o) => finish(o, 'deferred', { deferUntil: o.deferUntil }),
    markUncertain: (o) => finish(o, 'uncertain', o),
    markSuppressed: (o) => finish(o, 'suppressed', o),
    async countRepeatMessages(q) {
      const res = await pool.query<{ n: string }>(
        `SELECT COUNT(DISTINCT COALESCE(provider_message_id, delivery_key)) AS n FROM notify_delivery
         WHERE channel = $1 AND address = $2 AND status = 'sent' AND updated_at >= $3
           AND notification_id LIKE $4 AND notification_id NOT LIKE $5`,
        [q.channel, q.address, q.since.toISOString(), REPEAT_ID_LIKE, FIRST_FIRING_LIKE],
      );
      return Number(res.rows[0]?.n ?? 0);
    },
    async get(key) {
      const res = await pool.query<DeliveryRow>('SELECT * FROM notify_delivery WHERE delivery_key = $1', [
        key,
      ]);
      return res.rows[0] ? fromRow(res.rows[0]) : undefined;
    },
    async attempts(key) {
      const res = await pool.query<{
        delivery_key: string;
        attempt: number;
        at: string;
        outcome: string;
        detail: string | null;
      }>(
        `SELECT * FROM notify_attempt WHERE delivery_key = $1
         ORDER BY attempt, CASE WHEN outcome IN ('claimed', 'took_over') THEN 0 ELSE 1 END, at`,
        [key],
      );
      return res.rows.map((r): AttemptRecord => ({
        deliveryKey: r.delivery_key,
        attempt: Number(r.attempt),
        at: r.at,
        outcome: r.outcome,
        detail: r.detail,
      }));
    },
    async problems(opts = {}) {
      const res = await pool.query<ProblemRow>(
        `SELECT ${PROBLEM_COLUMNS} FROM ${PROBLEM_FROM}
         WHERE d.status = ANY($3) AND starts_with(d.notification_id, $1) AND ($4 OR r.delivery_key IS NULL)
         ORDER BY d.updated_at DESC, d.delivery_key DESC LIMIT $2`,
        [
          opts.notificationIdPrefix ?? '',
          opts.limit ?? 1000,
          [...PROBLEM_STATUSES],
          opts.includeResolved === true,
        ],
      );
      return res.rows.map(fromProblemRow);
    },
    resolve: (req) =>
      tx(async (c): Promise<Resolution> => {
        // FOR UPDATE: a late attempt settling an 'uncertain' delivery and the office's resolution do not interleave.
        const existing = await c.query<DeliveryRow>(
          'SELECT * FROM notify_delivery WHERE delivery_key = $1 FOR UPDATE',
          [req.deliveryKey],
        );
        const row = existing.rows[0];
        checkResolvable(req.deliveryKey, row ? fromRow(row).status : undefined, req);
        const resolution: Resolution = {
          kind: req.kind,
          by: req.by.trim(),
          at: req.now.toISOString(),
          note: req.note?.trim() || null,
        };
        await c.query(
          `INSERT INTO notify_resolution (delivery_key, kind, note, resolved_by, resolved_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (delivery_key) DO UPDATE SET kind = EXCLUDED.kind, note = EXCLUDED.note, resolved_by = EXCLUDED.resolved_by, resolved_at = EXCLUDED.resolved_at`,
          [req.deliveryKey, resolution.kind, resolution.note, resolution.by, resolution.at],
        );
        await addAttempt(
          c,
          req.deliveryKey,
          Number((row as DeliveryRow).attempts),
          resolution.at,
          'resolved',
          resolutionDetail(resolution),
        );
        return resolution;
      }),
    close: () => pool.end(),
  };
}
