import type { Queryable } from '../db/pool.ts';

export interface ThrottleRule {
  /** attempts within the window that lock the key */
  maxFailures: number;
  windowMinutes: number;
  lockMinutes: number;
}

export type Reservation = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Count an attempt before its password is checked, in one statement: sixty guesses sent at once take
 * numbers 1…60 from the row, and only the first `maxFailures` go on to be checked (the last of them locks
 * the key). A key whose window has passed, or whose lock has ended, starts again from one. A success gives
 * its number back (`clearFailures` for the account, `releaseAttempt` for the address).
 */
export async function reserveAttempt(q: Queryable, key: string, rule: ThrottleRule): Promise<Reservation> {
  const { rows } = await q.query<{ failures: number; seconds: number | null }>(
    `INSERT INTO login_throttle AS t (key, failures, window_start, locked_until)
     VALUES ($1, 1, now(), CASE WHEN $2 <= 1 THEN now() + make_interval(mins => $4) END)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t.locked_until <= now() OR (t.locked_until IS NULL AND t.window_start < now() - make_interval(mins => $3))
                       THEN 1 ELSE t.failures + 1 END,
       window_start = CASE WHEN t.locked_until <= now() OR (t.locked_until IS NULL AND t.window_start < now() - make_interval(mins => $3))
                           THEN now() ELSE t.window_start END,
       locked_until = CASE
         WHEN t.locked_until <= now() OR (t.locked_until IS NULL AND t.window_start < now() - make_interval(mins => $3))
           THEN CASE WHEN $2 <= 1 THEN now() + make_interval(mins => $4) END
         WHEN t.locked_until > now() THEN t.locked_until
         WHEN t.failures + 1 >= $2 THEN now() + make_interval(mins => $4)
         ELSE NULL END
     RETURNING failures, ceil(extract(epoch FROM locked_until - now()))::int AS seconds`,
    [key, rule.maxFailures, rule.windowMinutes, rule.lockMinutes],
  );
  const row = rows[0];
  if (row.failures <= rule.maxFailures) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, row.seconds ?? rule.lockMinutes * 60) };
}

/** Give back one reserved attempt (a success from this address is not a guess). */
export async function releaseAttempt(q: Queryable, key: string): Promise<void> {
  await q.query(
    `UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = $1 AND (locked_until IS NULL OR locked_until <= now())`,
    [key],
  );
}

export async function clearFailures(q: Queryable, key: string): Promise<void> {
  await q.query('DELETE FROM login_throttle WHERE key = $1', [key]);
}
