import type { Queryable } from '../../db/pool.ts';
import { signedHeaders } from '../../webhooks/signature.ts';
import { FEED_VERSION, serviceRecords } from './feed.ts';

// Push to the provincial platform: new service records go out in batches, each a row of exchange_outbox,
// POSTed signed as the SMS gateway's webhooks are (X-Yinong-Timestamp, X-Yinong-Signature) and retried with
// back-off until the platform answers 2xx. A batch is queued once (unique cursor), so two runs never send
// the same records under two ids.

export const PUSH_BATCH = 500;
const MAX_BACKOFF_MS = 6 * 3_600_000;

export interface PushTarget {
  url: string;
  secret: string;
  timeoutMs: number;
}

/** Queue the records after the last queued batch; returns how many batches were queued. */
export async function queueServiceRecords(q: Queryable, now: Date, maxBatches = 10): Promise<number> {
  let queued = 0;
  for (let i = 0; i < maxBatches; i++) {
    const { rows } = await q.query<{ last: string | null }>(
      `SELECT max(last_cursor)::text AS last FROM exchange_outbox WHERE kind = 'service-records'`,
    );
    const records = await serviceRecords(q, rows[0].last, PUSH_BATCH);
    if (!records.length) break;
    const last = records[records.length - 1].id;
    const body = JSON.stringify({ version: FEED_VERSION, kind: 'service-records', sentFrom: 'yinong', records });
    const { rowCount } = await q.query(
      `INSERT INTO exchange_outbox (kind, last_cursor, body, created_at, next_attempt_at) VALUES ('service-records', $1, $2, $3, $3)
       ON CONFLICT (kind, last_cursor) DO NOTHING`,
      [last, body, now],
    );
    if (!rowCount) break;
    queued++;
    if (records.length < PUSH_BATCH) break;
  }
  return queued;
}

export function backoffMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(attempts - 1, 0), MAX_BACKOFF_MS);
}

/**
 * Send what is due, oldest first; never throws. A failure (network, timeout, non-2xx) is recorded with its
 * reason and tried again later; the order of batches is kept by stopping at the first failure.
 */
export async function deliverDue(
  q: Queryable,
  target: PushTarget,
  now: Date,
  signal?: AbortSignal,
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  const { rows } = await q.query<{ id: string; body: string; attempts: number }>(
    `SELECT id::text, body, attempts FROM exchange_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT 20`,
    [now],
  );
  for (const row of rows) {
    if (signal?.aborted) break;
    const error = await post(target, row.body, now);
    if (!error) {
      await q.query(`UPDATE exchange_outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1`, [row.id, now]);
      sent++;
      continue;
    }
    await q.query(
      `UPDATE exchange_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1`,
      [row.id, error.slice(0, 500), new Date(now.getTime() + backoffMs(row.attempts + 1))],
    );
    failed++;
    break;
  }
  return { sent, failed };
}

async function post(target: PushTarget, body: string, now: Date): Promise<string | undefined> {
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(target.secret, body, now.getTime()) },
      body,
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? undefined : `HTTP ${res.status}`;
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return `${e.message}${e.cause ? ` ← ${e.cause.message}` : ''}`;
  }
}
