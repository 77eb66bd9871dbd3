import type { Queryable } from '../db/pool.ts';
import type { DatabaseGauges } from './registry.ts';

const WAITING = ['open', 'assigned', 'reopened'];

/**
 * Refresh the gauges read from the database, once per scrape: ticket counts and ages, the SMS outbox
 * backlog, jobs' last success and price files. Tables another part of the system owns are read only if
 * they exist in this schema. A database error leaves the old values and sets yinong_database_up to 0,
 * so /metrics still answers with everything this process knows.
 */
export async function refreshDatabaseGauges(q: Queryable, g: DatabaseGauges): Promise<void> {
  try {
    const { rows: [has] } = await q.query<{ tickets: boolean; outbox: boolean; runs: boolean; files: boolean }>(
      `SELECT to_regclass('tickets') IS NOT NULL AS tickets, to_regclass('sms_outbox') IS NOT NULL AS outbox,
              to_regclass('job_runs') IS NOT NULL AS runs, to_regclass('imported_files') IS NOT NULL AS files`,
    );
    if (has.tickets) await tickets(q, g);
    if (has.outbox) await outbox(q, g);
    if (has.runs) await jobs(q, g);
    if (has.files) {
      const { rows } = await q.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM imported_files GROUP BY status`,
      );
      g.priceFiles.reset();
      for (const r of rows) g.priceFiles.set({ status: r.status }, r.n);
    }
    g.up.set(1);
  } catch {
    g.up.set(0);
  }
}

async function tickets(q: Queryable, g: DatabaseGauges): Promise<void> {
  const { rows } = await q.query<{ status: string; n: number; oldest: number | null; overdue: number }>(
    `SELECT status, count(*)::int AS n,
            extract(epoch FROM now() - min(created_at))::float8 AS oldest,
            count(*) FILTER (WHERE due_at < now())::int AS overdue
       FROM tickets GROUP BY status`,
  );
  g.tickets.reset();
  g.ticketOldest.reset();
  let overdue = 0;
  for (const r of rows) {
    g.tickets.set({ status: r.status }, r.n);
    if (WAITING.includes(r.status)) {
      g.ticketOldest.set({ status: r.status }, r.oldest ?? 0);
      overdue += r.overdue;
    }
  }
  g.ticketsOverdue.set(overdue);
}

async function outbox(q: Queryable, g: DatabaseGauges): Promise<void> {
  // Only the live states: the partial indexes on queued and sending keep this cheap however much was sent.
  const { rows } = await q.query<{ status: string; n: number; oldest: number | null }>(
    `SELECT status, count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float8 AS oldest
       FROM sms_outbox WHERE status IN ('queued', 'sending') GROUP BY status`,
  );
  g.outbox.reset();
  g.outbox.set({ status: 'queued' }, 0);
  g.outbox.set({ status: 'sending' }, 0);
  g.outboxOldestQueued.set(0);
  for (const r of rows) {
    g.outbox.set({ status: r.status }, r.n);
    if (r.status === 'queued') g.outboxOldestQueued.set(r.oldest ?? 0);
  }
  // Inbound texts with no reply: still being retried, or given up on (each such one was logged at error level).
  const { rows: inbox } = await q.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM sms_inbox WHERE status IN ('received', 'failed') GROUP BY status`,
  );
  g.inbox.set({ status: 'received' }, 0);
  g.inbox.set({ status: 'failed' }, 0);
  for (const r of inbox) g.inbox.set({ status: r.status }, r.n);
}

async function jobs(q: Queryable, g: DatabaseGauges): Promise<void> {
  const { rows } = await q.query<{ job: string; last: number | null; running: number }>(
    `SELECT job, extract(epoch FROM max(finished_at) FILTER (WHERE outcome = 'succeeded'))::float8 AS last,
            count(*) FILTER (WHERE outcome = 'running')::int AS running
       FROM job_runs GROUP BY job`,
  );
  g.jobLastSuccess.reset();
  g.jobRunning.reset();
  for (const r of rows) {
    if (r.last !== null) g.jobLastSuccess.set({ job: r.job }, r.last);
    g.jobRunning.set({ job: r.job }, r.running);
  }
}
