import type { Database } from '../db/pool.ts';
import { dedicatedClient } from './lock.ts';

// Advisory lock for start-up (jobs 72_114_010, files 72_114_011, re-embedding 72_114_012). Instances started
// together on a fresh database would otherwise both find no embedding column and both build its index, or
// both ingest the shipped knowledge: one of them fails to start ("relation … already exists").
const STARTUP_LOCK = 72_114_013;

/**
 * Hold the start-up lock from before the knowledge base opens until seeding is done: the second instance
 * waits, then finds everything in place. Held on a connection of its own, so a start-up that throws frees
 * it when the process exits. Nothing to hold with the embedded PGlite (one process).
 */
export async function startupLock(db: Database): Promise<{ release(): Promise<void> }> {
  if (db.engine === 'pglite') return { release: async () => {} };
  const client = await dedicatedClient(db, 'yinong-startup');
  await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [STARTUP_LOCK, db.schema]);
  return {
    // Ending the session frees the lock.
    release: () => client.end().catch(() => {}),
  };
}
