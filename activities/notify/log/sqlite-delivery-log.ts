import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
  type ResolveRequest,
  type ClaimRequest,
  type ClaimResult,
  type DeliveryLog,
  type Outcome,
} from './delivery-log.js';

/**
 * Embedded default. WAL with synchronous=FULL: a committed claim or 'sent' survives a process
 * crash AND a power cut, which is the point of the log (measured cost: see bench/notify.bench.ts).
 */
export function openSqliteDeliveryLog(path: string): DeliveryLog {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  for (const sql of SCHEMA_STATEMENTS) db.exec(sql);

  const select = db.prepare<[string], DeliveryRow>('SELECT * FROM notify_delivery WHERE delivery_key = ?');
  const insert = db.prepare(
    `INSERT INTO notify_delivery (delivery_key, notification_id, channel, event, role, recipient_name, address, status,
       attempts, claim_token, claimed_at, created_at, updated_at)
     VALUES (@deliveryKey, @notificationId, @channel, @event, @role, @recipientName, @address, 'sending', 1, @claimToken, @now, @now, @now)`,
  );
  const take = db.prepare(
    `UPDATE notify_delivery SET status = 'sending', attempts = attempts + 1, claim_token = @claimToken, claimed_at = @now,
       address = @address, updated_at = @now WHERE delivery_key = @deliveryKey`,
  );
  const addAttempt = db.prepare(
    'INSERT INTO notify_attempt (delivery_key, attempt, at, outcome, detail) VALUES (?, ?, ?, ?, ?)',
  );
  const finish = db.prepare(
    `UPDATE notify_delivery SET status = @status, claim_token = NULL, provider_message_id = COALESCE(@providerMessageId, provider_message_id),
       error_code = @errorCode, error_reason = @errorReason, defer_until = @deferUntil, updated_at = @now
     WHERE delivery_key = @deliveryKey AND (claim_token = @claimToken OR (@settles = 1 AND status = 'uncertain')) RETURNING attempts`,
  );

  const countRepeats = db.prepare(
    `SELECT COUNT(DISTINCT COALESCE(provider_message_id, delivery_key)) AS n FROM notify_delivery
     WHERE channel = @channel AND address = @address AND status = 'sent' AND updated_at >= @since
       AND notification_id LIKE @like AND notification_id NOT LIKE @notLike`,
  );

  const settle = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };

  const claimTx = db.transaction((req: ClaimRequest): ClaimResult => {
    const row = select.get(req.deliveryKey);
    const decision = decideClaim(row ? fromRow(row) : undefined, req);
    const now = req.now.toISOString();
    const params = { ...req, now };
    if (decision === 'done' || decision === 'busy')
      return { kind: decision, record: fromRow(row as DeliveryRow) };
    if (decision === 'insert') insert.run(params);
    else take.run(params);
    const record = fromRow(select.get(req.deliveryKey) as DeliveryRow);
    addAttempt.run(
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
      ...(tookOver && row?.claimed_at ? { staleClaimedAt: row.claimed_at } : {}),
    };
  });

  const finishTx = db.transaction(
    (
      o: Outcome,
      status: string,
      fields: {
        providerMessageId?: string | null;
        errorCode?: string;
        errorReason?: string;
        deferUntil?: Date;
      },
    ) => {
      const now = o.now.toISOString();
      const row = finish.get({
        deliveryKey: o.deliveryKey,
        claimToken: o.claimToken,
        status,
        settles: settlesUncertain(status) ? 1 : 0,
        providerMessageId: fields.providerMessageId ?? null,
        errorCode: fields.errorCode ?? null,
        errorReason: fields.errorReason ?? null,
        deferUntil: fields.deferUntil ? fields.deferUntil.toISOString() : null,
        now,
      }) as { attempts: number } | undefined;
      if (!row) throw new LostClaimError(o.deliveryKey);
      addAttempt.run(
        o.deliveryKey,
        row.attempts,
        now,
        status,
        fields.errorReason ?? fields.providerMessageId ?? fields.deferUntil?.toISOString() ?? null,
      );
    },
  );

  const upsertResolution = db.prepare(
    `INSERT INTO notify_resolution (delivery_key, kind, note, resolved_by, resolved_at) VALUES (@deliveryKey, @kind, @note, @by, @at)
     ON CONFLICT (delivery_key) DO UPDATE SET kind = excluded.kind, note = excluded.note, resolved_by = excluded.resolved_by, resolved_at = excluded.resolved_at`,
  );
  const resolveTx = db.transaction((req: ResolveRequest): Resolution => {
    const row = select.get(req.deliveryKey);
    checkResolvable(req.deliveryKey, row ? fromRow(row).status : undefined, req);
    const resolution: Resolution = {
      kind: req.kind,
      by: req.by.trim(),
      at: req.now.toISOString(),
      note: req.note?.trim() || null,
    };
    upsertResolution.run({ deliveryKey: req.deliveryKey, ...resolution });
    addAttempt.run(
      req.deliveryKey,
      (row as DeliveryRow).attempts,
      resolution.at,
      'resolved',
      resolutionDetail(resolution),
    );
    return resolution;
  });

  return {
    // async: a LostClaimError (or SQLITE_BUSY) must reject the promise, as in PostgreSQL, not throw synchronously.
    claim: (req) => settle(() => claimTx.immediate(req)),
    markSent: (o) => settle(() => finishTx.immediate(o, 'sent', { providerMessageId: o.providerMessageId })),
    markFailed: (o) => settle(() => finishTx.immediate(o, 'failed', o)),
    markRetrying: (o) => settle(() => finishTx.immediate(o, 'retrying', o)),
    markDeferred: (o) => settle(() => finishTx.immediate(o, 'deferred', { deferUntil: o.deferUntil })),
    markUncertain: (o) => settle(() => finishTx.immediate(o, 'uncertain', o)),
    markSuppressed: (o) => settle(() => finishTx.immediate(o, 'suppressed', o)),
    countRepeatMessages: (q) =>
      Promise.resolve(
        (
          countRepeats.get({
            channel: q.channel,
            address: q.address,
            since: q.since.toISOString(),
            like: REPEAT_ID_LIKE,
            notLike: FIRST_FIRING_LIKE,
          }) as { n: number }
        ).n,
      ),
    get: (key) => {
      const row = select.get(key);
      return Promise.resolve(row ? fromRow(row) : undefined);
    },
    attempts: (key) =>
      Promise.resolve(
        db
          .prepare<
            [string],
            { delivery_key: string; attempt: number; at: string; outcome: string; detail: string | null }
          >('SELECT * FROM notify_attempt WHERE delivery_key = ? ORDER BY rowid')
          .all(key)
          .map((r): AttemptRecord => ({
            deliveryKey: r.delivery_key,
            attempt: r.attempt,
            at: r.at,
            outcome: r.outcome,
            detail: r.detail,
          })),
      ),
    problems: (opts = {}) =>
      Promise.resolve(
        db
          .prepare<[{ prefix: string; limit: number; s1: string; s2: string; all: number }], ProblemRow>(
            `SELECT ${PROBLEM_COLUMNS} FROM ${PROBLEM_FROM}
             WHERE d.status IN (@s1, @s2) AND substr(d.notification_id, 1, length(@prefix)) = @prefix AND (@all = 1 OR r.delivery_key IS NULL)
             ORDER BY d.updated_at DESC, d.rowid DESC LIMIT @limit`,
          )
          .all({
            prefix: opts.notificationIdPrefix ?? '',
            limit: opts.limit ?? 1000,
            s1: PROBLEM_STATUSES[0],
            s2: PROBLEM_STATUSES[1],
            all: opts.includeResolved ? 1 : 0,
          })
          .map(fromProblemRow),
      ),
    resolve: (req) => settle(() => resolveTx.immediate(req)),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
