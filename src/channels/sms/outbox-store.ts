import type { Queryable } from '../../db/pool.ts';

// The outbox's status machine in SQL: queued → sending → sent → delivered/undelivered, with failed and
// suppressed as ends. Every transition names the state it leaves, so a late or repeated step is a no-op.

export interface OutboxRow {
  id: string;
  phone: string;
  text: string;
  kind: string;
  attempts: number;
  bypassOptOut: boolean;
  optedOut: boolean;
}

/**
 * Claim up to `limit` due rows for this worker: SKIP LOCKED lets any number of workers (instances) claim
 * side by side without waiting on or taking each other's rows. The lease says how long the claim holds
 * before another worker may decide the attempt died with its process.
 */
export async function claimDue(q: Queryable, workerId: string, limit: number, leaseSeconds: number): Promise<OutboxRow[]> {
  const { rows } = await q.query(
    `WITH due AS (
       SELECT id FROM sms_outbox
        WHERE status = 'queued' AND next_attempt_at <= now()
        ORDER BY next_attempt_at, created_at, seq
        LIMIT $2
        FOR UPDATE SKIP LOCKED)
     UPDATE sms_outbox o
        SET status = 'sending', attempts = o.attempts + 1, claimed_by = $1, wire_at = NULL,
            lease_until = now() + make_interval(secs => $3), updated_at = now()
       FROM due WHERE o.id = due.id
     RETURNING o.id, o.phone, o.text, o.kind, o.attempts, o.bypass_opt_out, o.created_at, o.seq,
       EXISTS (SELECT 1 FROM conversations c WHERE c.channel = 'sms' AND c.farmer_phone = o.phone AND c.opted_out)
         AS opted_out`,
    [workerId, limit, leaseSeconds],
  );
  return rows
    .sort((a, b) => +new Date(a.created_at) - +new Date(b.created_at) || a.seq - b.seq)
    .map((r) => ({
      id: r.id, phone: r.phone, text: r.text, kind: r.kind, attempts: r.attempts,
      bypassOptOut: r.bypass_opt_out, optedOut: r.opted_out,
    }));
}

/** For a gateway that cannot dedupe: the attempt is about to leave. Until this is set, it provably didn't. */
export async function markOnWire(q: Queryable, id: string, workerId: string): Promise<void> {
  await q.query(`UPDATE sms_outbox SET wire_at = now() WHERE id = $1 AND status = 'sending' AND claimed_by = $2`, [id, workerId]);
}

/** Sent: keep the gateway's ids, then apply any receipt that arrived before we got to write them. */
export async function markSent(q: Queryable, id: string, via: string, gatewayIds: string[]): Promise<void> {
  await q.query(
    `UPDATE sms_outbox SET status = 'sent', sent_via = $2, gateway_id = $3, gateway_ids = $4, sent_at = now(),
            lease_until = NULL, last_error = NULL, updated_at = now()
      WHERE id = $1 AND status IN ('sending', 'queued')`,
    [id, via, gatewayIds[0] ?? null, gatewayIds],
  );
  const { rows } = await q.query<{ gateway_id: string; status: string; error: string | null }>(
    `SELECT gateway_id, status, error FROM sms_receipts WHERE gateway = $1 AND gateway_id = ANY($2) ORDER BY id`,
    [via, gatewayIds],
  );
  for (const r of rows) await applyReceipt(q, via, r.gateway_id, r.status, r.error);
}

export async function markRetry(q: Queryable, id: string, delayMs: number, error: string): Promise<void> {
  await q.query(
    `UPDATE sms_outbox SET status = 'queued', next_attempt_at = now() + make_interval(secs => $2),
            lease_until = NULL, claimed_by = NULL, last_error = $3, updated_at = now()
      WHERE id = $1 AND status = 'sending'`,
    [id, delayMs / 1000, error.slice(0, 500)],
  );
}

export async function markFailed(q: Queryable, id: string, error: string): Promise<void> {
  await q.query(
    `UPDATE sms_outbox SET status = 'failed', lease_until = NULL, last_error = $2, updated_at = now()
      WHERE id = $1 AND status = 'sending'`,
    [id, error.slice(0, 500)],
  );
}

export async function markSuppressed(q: Queryable, id: string): Promise<void> {
  await q.query(
    `UPDATE sms_outbox SET status = 'suppressed', lease_until = NULL, last_error = '已退订', updated_at = now()
      WHERE id = $1 AND status = 'sending'`,
    [id],
  );
}

/**
 * Attempts whose lease ran out: their worker died (or hung) mid-send. An attempt that provably never left
 * (no wire mark, on a gateway that needs one) goes back to the queue; one that may have left goes back only
 * when the gateway dedupes on our id (the same id twice is one SMS) or `resendUncertain` accepts a possible
 * duplicate over a certain loss; otherwise it ends as failed with the reason, for a person to look at.
 */
export async function recoverExpired(
  q: Queryable,
  opts: { idempotent: boolean; resendUncertain: boolean },
): Promise<{ requeued: number; uncertain: number; failed: number }> {
  const { rows } = await q.query<{ outcome: string; n: number }>(
    `WITH expired AS (
       SELECT id, wire_at FROM sms_outbox
        WHERE status = 'sending' AND lease_until < now()
        FOR UPDATE SKIP LOCKED),
     decided AS (
       SELECT id, CASE WHEN wire_at IS NULL OR $1 THEN 'requeued'
                       WHEN $2 THEN 'uncertain' ELSE 'failed' END AS outcome
         FROM expired),
     updated AS (
       UPDATE sms_outbox o
          SET status = CASE WHEN d.outcome = 'failed' THEN 'failed' ELSE 'queued' END,
              next_attempt_at = now(), lease_until = NULL, claimed_by = NULL,
              last_error = CASE d.outcome WHEN 'failed' THEN '发送结果不明（进程中断），为免重复未重发'
                                          WHEN 'uncertain' THEN 'resent after an interrupted attempt'
                                          ELSE o.last_error END,
              updated_at = now()
         FROM decided d WHERE o.id = d.id
       RETURNING d.outcome)
     SELECT outcome, count(*)::int AS n FROM updated GROUP BY outcome`,
    [opts.idempotent, opts.resendUncertain],
  );
  const n = (k: string) => rows.find((r) => r.outcome === k)?.n ?? 0;
  return { requeued: n('requeued'), uncertain: n('uncertain'), failed: n('failed') };
}

const DELIVERED = new Set(['delivered', 'delivrd', 'success', 'ok']);

/** A receipt's status in our words: delivered, undelivered, or (intermediate) left as it was. */
export function receiptOutcome(status: string): 'delivered' | 'undelivered' | 'pending' {
  const s = status.toLowerCase();
  if (DELIVERED.has(s)) return 'delivered';
  if (['enroute', 'accepted', 'acceptd', 'accepted_by_gateway', 'buffered', 'pending', 'sent', 'scheduled'].includes(s)) return 'pending';
  return 'undelivered';
}

/** Keep a receipt and apply it to its outbox row when we know the gateway id yet. */
export async function recordReceipt(q: Queryable, gateway: string, gatewayId: string, status: string, error?: string | null): Promise<boolean> {
  await q.query(`INSERT INTO sms_receipts (gateway, gateway_id, status, error) VALUES ($1, $2, $3, $4)`,
    [gateway, gatewayId, status, error ?? null]);
  return applyReceipt(q, gateway, gatewayId, status, error ?? null);
}

/**
 * A long SMS has one gateway id per part: it is delivered when every part is, undelivered when any part
 * isn't. Receipts never move a row backwards (a late 'enroute' after 'delivered' changes nothing).
 */
async function applyReceipt(q: Queryable, gateway: string, gatewayId: string, status: string, error: string | null): Promise<boolean> {
  const outcome = receiptOutcome(status);
  const { rows } = await q.query<{ id: string; gateway_ids: string[] }>(
    `SELECT id, gateway_ids FROM sms_outbox WHERE sent_via = $1 AND gateway_ids @> ARRAY[$2::text]`, [gateway, gatewayId],
  );
  if (!rows[0]) return false;
  const { id, gateway_ids: ids } = rows[0];
  if (outcome === 'pending') {
    await q.query(`UPDATE sms_outbox SET dlr_status = $2, updated_at = now() WHERE id = $1 AND status = 'sent'`, [id, status]);
    return true;
  }
  if (outcome === 'undelivered') {
    await q.query(
      `UPDATE sms_outbox SET status = 'undelivered', dlr_status = $2, last_error = coalesce($3, last_error), updated_at = now()
        WHERE id = $1 AND status IN ('sent', 'delivered')`,
      [id, status, error],
    );
    return true;
  }
  const { rows: done } = await q.query<{ n: number }>(
    `SELECT count(DISTINCT gateway_id)::int AS n FROM sms_receipts
      WHERE gateway = $1 AND gateway_id = ANY($2) AND lower(status) IN ('delivered', 'delivrd', 'success', 'ok')`,
    [gateway, ids],
  );
  if (done[0].n >= ids.length) {
    await q.query(
      `UPDATE sms_outbox SET status = 'delivered', dlr_status = $2, delivered_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'sent'`,
      [id, status],
    );
  }
  return true;
}
