import type { Queryable } from '../db/pool.ts';

export interface ThrottleRule {
  /** failures within the window that lock the key */
  maxFailures: number;
  windowMinutes: number;
  lockMinutes: number;
}

/** Seconds until the latest lock on any of these keys ends; 0 when none is locked. */
export async function lockedFor(q: Queryable, keys: string[]): Promise<number> {
  const { rows } = await q.query<{ seconds: number | null }>(
    `SELECT ceil(extract(epoch FROM max(locked_until) - now()))::int AS seconds
       FROM login_throttle WHERE key = ANY($1::text[]) AND locked_until > now()`,
    [keys],
  );
  return rows[0]?.seconds ?? 0;
}

/**
 * Count a failure. A key whose window has passed, or whose lock has ended, starts again from one; reaching
 * the limit locks the key. One statement, so concurrent guesses cannot slip past the count.
 */
export async function recordFailure(q: Queryable, key: string, rule: ThrottleRule): Promise<void> {
  await q.query(
    `INSERT INTO login_throttle AS t (key, failures, window_start, locked_until)
     VALUES ($1, 1, now(), CASE WHEN $2 <= 1 THEN now() + make_interval(mins => $4) END)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t.window_start < now() - make_interval(mins => $3) OR t.locked_until <= now()
                       THEN 1 ELSE t.failures + 1 END,
       window_start = CASE WHEN t.window_start < now() - make_interval(mins => $3) OR t.locked_until <= now()
                           THEN now() ELSE t.window_start END,
       locked_until = CASE
         WHEN t.window_start < now() - make_interval(mins => $3) OR t.locked_until <= now()
           THEN CASE WHEN $2 <= 1 THEN now() + make_interval(mins => $4) END
         WHEN t.failures + 1 >= $2 THEN now() + make_interval(mins => $4)
         ELSE t.locked_until END`,
    [key, rule.maxFailures, rule.windowMinutes, rule.lockMinutes],
  );
}

export async function clearFailures(q: Queryable, key: string): Promise<void> {
  await q.query('DELETE FROM login_throttle WHERE key = $1', [key]);
}
