import pg from 'pg';
import type { Database, Queryable } from '../db/pool.ts';

// Advisory lock namespace for scheduled jobs (the migrator uses 72_114_001, seeding 72_114_002, the ticket
// sweep 72_114_005). The second key is the job's name hashed with the schema, so test schemas on one server
// never block each other.
const JOB_LOCK = 72_114_010;

/** A job's lock while it runs: `q` is the session that holds it (use it for the run's own bookkeeping). */
export interface JobLock {
  q: Queryable;
  release(): Promise<void>;
}

export interface JobLocker {
  /** The job's lock, or null when another instance holds it. Throws only when the database is unreachable. */
  tryLock(job: string): Promise<JobLock | null>;
}

/**
 * A connection of its own to the server the pool uses (same database, user and search_path), outside the
 * pool: a lock held for a whole job, or a LISTEN, never takes a connection the job or a request needs (a
 * pool of one would otherwise wait on itself). Its errors are the caller's to handle; an idle error never
 * crashes the process.
 */
export async function dedicatedClient(db: Database, name: string): Promise<pg.Client> {
  const { connectionString, options, host, port, user, password, database, ssl } = db.pool.options;
  const client = new pg.Client({
    connectionString, options, host, port, user, password, database, ssl, application_name: name, keepAlive: true,
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  return client;
}

/**
 * Session advisory locks on a dedicated connection: the lock lives exactly as long as that session, so a
 * process that dies mid-run frees it with its connection. With the embedded PGlite there is one process and
 * one connection: holding it would block the job's own queries, and the scheduler's in-process guard
 * already keeps a job from overlapping itself.
 */
export function advisoryLocker(db: Database): JobLocker {
  if (db.engine === 'pglite') {
    return { tryLock: async () => ({ q: db.pool, release: async () => {} }) };
  }
  const key = (job: string) => `${db.schema}.${job}`;
  return {
    async tryLock(job) {
      const client = await dedicatedClient(db, 'yinong-job');
      try {
        const { rows } = await client.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
          [JOB_LOCK, key(job)],
        );
        if (!rows[0].locked) {
          await client.end();
          return null;
        }
      } catch (err) {
        await client.end().catch(() => {});
        throw err;
      }
      return {
        q: client,
        async release() {
          // Ending the session frees the lock even when the unlock can't be sent (connection broken).
          await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [JOB_LOCK, key(job)]).catch(() => {});
          await client.end().catch(() => {});
        },
      };
    },
  };
}
