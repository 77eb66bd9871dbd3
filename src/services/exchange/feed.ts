import type { Queryable } from '../../db/pool.ts';
import { progressAsOf } from '../../programme/index.ts';

// The provincial exchange feed, version 1 (docs/exchange.md). Service records say what kind of question was
// asked, on which channel, whether the assistant answered it or an expert was called, and when: never a
// phone number, a name or the words of the question.

export const FEED_VERSION = 1 as const;

export interface ServiceRecord {
  /** the assistant's reply's id: increasing, the paging cursor */
  id: string;
  /** the intent the question was filed under (price, agronomy, policy, labor, machinery, order, training …) */
  category: string;
  channel: 'web' | 'sms' | 'api';
  county: string | null;
  outcome: 'answered' | 'escalated';
  askedAt: string;
  answeredAt: string;
  /** escalated only: when an expert answered (null while waiting) */
  expertAnsweredAt: string | null;
}

/** A cursor the caller hands back: opaque to them, checked here (a forged one is refused, not trusted). */
export function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ v: FEED_VERSION, after: id })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | null | 'invalid' {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; after?: unknown };
    if (parsed.v !== FEED_VERSION || typeof parsed.after !== 'string' || !/^\d{1,18}$/.test(parsed.after)) return 'invalid';
    return parsed.after;
  } catch {
    return 'invalid';
  }
}

/** Records after `after` (a reply id), oldest first. */
export async function serviceRecords(q: Queryable, after: string | null, limit: number): Promise<ServiceRecord[]> {
  const { rows } = await q.query<{
    id: string; intent: string | null; channel: ServiceRecord['channel']; county: string | null; escalated: boolean;
    asked_at: Date; answered_at: Date; expert_at: Date | null;
  }>(
    `SELECT r.id::text AS id, r.intent, c.channel, c.county, r.escalated, i.created_at AS asked_at, r.created_at AS answered_at,
            t.answered_at AS expert_at
     FROM messages r
     JOIN messages i ON i.id = r.reply_to
     JOIN conversations c ON c.id = r.conversation_id
     LEFT JOIN escalations e ON e.message_id = r.id
     LEFT JOIN tickets t ON t.id = e.id
     WHERE r.author = 'bot' AND r.reply_to IS NOT NULL AND r.id > $1::bigint
     ORDER BY r.id
     LIMIT $2`,
    [after ?? '0', Math.min(Math.max(limit, 1), 1000)],
  );
  return rows.map((r) => ({
    id: r.id,
    category: r.intent ?? 'unknown',
    channel: r.channel,
    county: r.county,
    outcome: r.escalated ? 'escalated' : 'answered',
    askedAt: new Date(r.asked_at).toISOString(),
    answeredAt: new Date(r.answered_at).toISOString(),
    expertAnsweredAt: r.expert_at ? new Date(r.expert_at).toISOString() : null,
  }));
}

export interface CountyRollout {
  county: string;
  villages: number;
  stationsTarget: number;
  stationsBuilt: number | null;
  asOf: string | null;
  percent: number | null;
  trainings: number;
  trainingAttendance: number;
  orders: number;
  machineryPosts: number;
}

/** Roll-out progress per county: stations against targets, and what the stations did (trainings, orders, machinery). */
export async function rolloutProgress(q: Queryable): Promise<CountyRollout[]> {
  const { counties: progress } = await progressAsOf(q, {});
  const { rows } = await q.query<{ county: string; trainings: number; attendance: number; orders: number; machinery: number }>(
    `SELECT county,
            sum(trainings)::int AS trainings, sum(attendance)::int AS attendance, sum(orders)::int AS orders, sum(machinery)::int AS machinery
     FROM (
       SELECT t.county, 1 AS trainings, (SELECT count(*) FROM training_signups s WHERE s.training_id = t.id AND s.attended) AS attendance, 0 AS orders, 0 AS machinery
       FROM trainings t WHERE t.status = 'scheduled'
       UNION ALL SELECT county, 0, 0, 1, 0 FROM orders WHERE county IS NOT NULL AND status <> 'cancelled'
       UNION ALL SELECT county, 0, 0, 0, 1 FROM machinery_posts
     ) x GROUP BY county`,
  );
  const by = new Map(rows.map((r) => [r.county, r]));
  return progress.map((p) => {
    const s = by.get(p.county);
    return {
      county: p.county, villages: p.villages, stationsTarget: p.stationsTarget, stationsBuilt: p.stationsBuilt, asOf: p.asOf,
      percent: p.percentOfTarget, trainings: s?.trainings ?? 0, trainingAttendance: s?.attendance ?? 0, orders: s?.orders ?? 0,
      machineryPosts: s?.machinery ?? 0,
    };
  });
}
