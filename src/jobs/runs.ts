import type { Queryable } from '../db/pool.ts';

export type RunOutcome = 'running' | 'succeeded' | 'failed' | 'abandoned';

export interface JobRun {
  id: string;
  job: string;
  slot: string | null;
  instance: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: RunOutcome;
  counts: Record<string, unknown>;
  error: string | null;
}

/**
 * Runs of `job` still marked running while the caller holds the job's lock can't be running anywhere: their
 * process died (or lost its connection) mid-run. Say so, instead of leaving them running forever.
 */
export async function abandonStaleRuns(q: Queryable, job: string): Promise<number> {
  const { rowCount } = await q.query(
    `UPDATE job_runs SET outcome = 'abandoned', finished_at = now(),
            error = coalesce(error, 'the instance running it stopped before the run ended')
      WHERE job = $1 AND outcome = 'running'`,
    [job],
  );
  return rowCount ?? 0;
}

/**
 * Record the start of a run. For a scheduled slot, null when a run for that slot already exists (another
 * instance took this tick): the unique (job, slot) index makes the tick run once across instances even when
 * their clocks put one run after the other's lock was released.
 */
export async function startRun(q: Queryable, job: string, slot: Date | null, instance: string): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO job_runs (job, slot, instance) VALUES ($1, $2, $3)
     ON CONFLICT (job, slot) WHERE slot IS NOT NULL DO NOTHING
     RETURNING id`,
    [job, slot, instance],
  );
  return rows[0] ? String(rows[0].id) : null;
}

export async function finishRun(
  q: Queryable,
  id: string,
  outcome: 'succeeded' | 'failed',
  counts: Record<string, unknown>,
  error: string | null,
): Promise<void> {
  await q.query(
    `UPDATE job_runs SET finished_at = now(), outcome = $2, counts = $3, error = $4 WHERE id = $1`,
    [id, outcome, JSON.stringify(counts), error],
  );
}

/** The newest runs, newest first (all jobs, or one). */
export async function recentRuns(q: Queryable, opts: { job?: string; limit?: number } = {}): Promise<JobRun[]> {
  const { rows } = await q.query(
    `SELECT id, job, slot, instance, started_at, finished_at, outcome, counts, error FROM job_runs
      WHERE ($1::text IS NULL OR job = $1) ORDER BY started_at DESC, id DESC LIMIT $2`,
    [opts.job ?? null, opts.limit ?? 50],
  );
  return rows.map((r) => ({
    id: String(r.id), job: r.job, slot: r.slot ? new Date(r.slot).toISOString() : null, instance: r.instance,
    startedAt: new Date(r.started_at).toISOString(), finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    outcome: r.outcome, counts: r.counts ?? {}, error: r.error,
  }));
}

/** Delete runs older than `days` (the expiry job keeps the table small). */
export async function pruneRuns(q: Queryable, days: number, now: Date): Promise<number> {
  const { rowCount } = await q.query(
    `DELETE FROM job_runs WHERE started_at < $1::timestamptz - make_interval(days => $2) AND outcome <> 'running'`,
    [now, days],
  );
  return rowCount ?? 0;
}
