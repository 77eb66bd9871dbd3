import type { Queryable } from '../db/pool.ts';

// The integration outbox's status machine in SQL: queued → sending → sent, failed as the other end. Every
// transition names the state it leaves and the worker that holds the row, so a late or repeated step is a no-op.

export interface DueEvent {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  createdAt: string;
  attempts: number;
  url: string;
  secret: string;
}

/**
 * Claim up to `limit` due events, the oldest of each conversation only: SKIP LOCKED lets several workers (instances) claim side by side without
 * taking each other's rows; the lease says how long the claim holds before another worker takes it over.
 * Events to a disabled webhook stay queued until it is registered again.
 */
export async function claimDue(q: Queryable, workerId: string, limit: number, leaseSeconds: number): Promise<DueEvent[]> {
  const { rows } = await q.query(
    `WITH due AS (
       SELECT o.id FROM integration_outbox o JOIN integration_webhooks w ON w.id = o.webhook_id
        WHERE o.status = 'queued' AND o.next_attempt_at <= now() AND NOT w.disabled
          -- one conversation in order: an expert's last answer before the session's end
          AND NOT EXISTS (SELECT 1 FROM integration_outbox p
                           WHERE p.conversation_id = o.conversation_id AND p.seq < o.seq
                             AND p.status IN ('queued', 'sending'))
        ORDER BY o.next_attempt_at, o.seq
        LIMIT $2
        FOR UPDATE OF o SKIP LOCKED)
     UPDATE integration_outbox o
        SET status = 'sending', attempts = o.attempts + 1, claimed_by = $1,
            lease_until = now() + make_interval(secs => $3), updated_at = now()
       FROM due, integration_webhooks w
      WHERE o.id = due.id AND w.id = o.webhook_id
     RETURNING o.id, o.seq, o.type, o.payload, o.created_at, o.attempts, w.url, w.secret`,
    [workerId, limit, leaseSeconds],
  );
  return rows
    .sort((a, b) => Number(a.seq) - Number(b.seq))
    .map((r) => ({
      id: r.id, type: r.type, payload: r.payload, createdAt: new Date(r.created_at).toISOString(),
      attempts: r.attempts, url: r.url, secret: r.secret,
    }));
}

export async function markSent(q: Queryable, id: string, workerId: string, status: number): Promise<void> {
  await q.query(
    `UPDATE integration_outbox SET status = 'sent', sent_at = now(), last_status = $3, last_error = NULL,
            lease_until = NULL, updated_at = now()
      WHERE id = $1 AND status = 'sending' AND claimed_by = $2`,
    [id, workerId, status],
  );
}

export async function markRetry(q: Queryable, id: string, workerId: string, delayMs: number, error: string, status?: number): Promise<void> {
  await q.query(
    `UPDATE integration_outbox SET status = 'queued', next_attempt_at = now() + make_interval(secs => $3),
            lease_until = NULL, claimed_by = NULL, last_error = $4, last_status = $5, updated_at = now()
      WHERE id = $1 AND status = 'sending' AND claimed_by = $2`,
    [id, workerId, delayMs / 1000, error.slice(0, 500), status ?? null],
  );
}

export async function markFailed(q: Queryable, id: string, workerId: string, error: string, status?: number): Promise<void> {
  await q.query(
    `UPDATE integration_outbox SET status = 'failed', lease_until = NULL, last_error = $3, last_status = $4,
            updated_at = now()
      WHERE id = $1 AND status = 'sending' AND claimed_by = $2`,
    [id, workerId, error.slice(0, 500), status ?? null],
  );
}

/**
 * Deliveries whose lease ran out (their worker died mid-request) go back to the queue. Resending is safe:
 * the event id travels with every attempt and the receiver keeps one message per id.
 */
export async function recoverExpired(q: Queryable): Promise<number> {
  const { rowCount } = await q.query(
    `UPDATE integration_outbox SET status = 'queued', next_attempt_at = now(), lease_until = NULL, claimed_by = NULL,
            last_error = coalesce(last_error, 'resent after an interrupted attempt'), updated_at = now()
      WHERE id IN (SELECT id FROM integration_outbox WHERE status = 'sending' AND lease_until < now()
                   FOR UPDATE SKIP LOCKED)`,
  );
  return rowCount ?? 0;
}

export interface OutboxCounts {
  queued: number;
  sending: number;
  sent: number;
  failed: number;
}

export async function outboxCounts(q: Queryable, webhookId?: string): Promise<OutboxCounts> {
  const { rows } = await q.query<{ status: keyof OutboxCounts; n: number }>(
    `SELECT status, count(*)::int AS n FROM integration_outbox WHERE $1::uuid IS NULL OR webhook_id = $1 GROUP BY status`,
    [webhookId ?? null],
  );
  const counts: OutboxCounts = { queued: 0, sending: 0, sent: 0, failed: 0 };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}
