import { closeExpiredPosts } from '../data/index.ts';
import type { Queryable } from '../db/pool.ts';
import { pruneRuns } from './runs.ts';
import type { JobCounts } from './scheduler.ts';

/**
 * The expiry job: close labour and supply posts whose time is up (searches already skip them; closing
 * keeps the live indexes small and the officers' lists true), and forget job runs older than `keepDays`.
 */
export async function expireOldRecords(q: Queryable, opts: { now: Date; keepRunsDays: number }): Promise<JobCounts> {
  const posts = await closeExpiredPosts(q, opts.now);
  const runsPruned = await pruneRuns(q, opts.keepRunsDays, opts.now);
  return { laborClosed: posts.labor, supplyClosed: posts.supply, runsPruned };
}
