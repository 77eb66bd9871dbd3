import type { Queryable } from '../db/pool.ts';
import { SYSTEM } from './tickets.ts';
import { chinaClock, type WorkSchedule } from './working-time.ts';

export interface RoutedExpert {
  id: string;
  name: string;
  username: string;
  phone: string | null;
  load: number;
  /** which rule found the expert, kept on the ticket's event */
  rule: 'specialty+county' | 'specialty';
}

/** The advisory lock routing of one category is serialised by (taken with the ticket: insertOpenedTicket). */
export function routeLockKey(category: string): string {
  return `yinong:route:${category}`;
}

// The experts who could take the ticket (at work now, the specialty, room left; answered tickets wait only for
// the farmer, so they do not count as load), the one chosen, and what either outcome writes: assigned (the
// ticket, the expert's last hand-out, the event, the conversation to expert mode) or queued (the place in the
// queue and its event). $1 category, $2 county, $3 the team's work days, $4 today's weekday, $5 the minute of
// the day, $6–$7 the team's hours, $8 ticket, $9 conversation, $10 now, $11 priority, $12 due.
const ROUTE_SQL = `
WITH candidates AS (
  SELECT u.id, u.name, u.username, u.phone, l.load, u.counties, u.last_assigned_at
    FROM users u
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS load FROM tickets t WHERE t.assignee_id = u.id AND t.status IN ('assigned', 'reopened')
    ) l
   WHERE u.role = 'expert' AND NOT u.disabled AND u.available
     AND $1 = ANY(u.specialties)
     AND coalesce(u.work_days, $3::smallint[]) @> ARRAY[$4::smallint]
     AND $5 >= coalesce(u.work_start_min, $6) AND $5 < coalesce(u.work_end_min, $7)
     AND l.load < u.capacity
), pick AS (
  SELECT id, name, username, phone, load, rule FROM (
    (SELECT c.*, 'specialty+county'::text AS rule, 1 AS pref FROM candidates c
      WHERE $2::text IS NOT NULL AND (cardinality(c.counties) = 0 OR $2 = ANY(c.counties))
      ORDER BY c.load, ($2 = ANY(c.counties)) DESC, c.last_assigned_at NULLS FIRST, c.id LIMIT 1)
    UNION ALL
    (SELECT c.*, 'specialty'::text, 2 FROM candidates c ORDER BY c.load, c.last_assigned_at NULLS FIRST, c.id LIMIT 1)
  ) p ORDER BY pref LIMIT 1
), assign AS (
  UPDATE tickets SET status = 'assigned', assignee_id = pick.id, updated_at = $10 FROM pick WHERE tickets.id = $8
), mark AS (
  UPDATE users SET last_assigned_at = $10 FROM pick WHERE users.id = pick.id
), assigned_event AS (
  INSERT INTO ticket_events (ticket_id, kind, from_status, to_status, actor_id, actor, assignee_id, detail, created_at)
  SELECT $8::uuid, 'assigned', 'open', 'assigned', NULL, '${SYSTEM.name}', pick.id, jsonb_build_object('rule', pick.rule, 'load', pick.load), $10::timestamptz
    FROM pick
), expert_mode AS (
  UPDATE conversations SET mode = 'expert', updated_at = now() FROM pick WHERE conversations.id = $9
), ahead AS (
  SELECT count(*)::int AS n FROM tickets
   WHERE NOT EXISTS (SELECT 1 FROM pick) AND assignee_id IS NULL AND status IN ('open', 'reopened') AND category = $1
     AND id <> $8 AND (priority, due_at) <= ($11, $12)
), queued_event AS (
  INSERT INTO ticket_events (ticket_id, kind, actor_id, actor, detail, created_at)
  SELECT $8::uuid, 'queued', NULL, '${SYSTEM.name}', jsonb_build_object('ahead', ahead.n), $10::timestamptz FROM ahead WHERE NOT EXISTS (SELECT 1 FROM pick)
)
SELECT pick.id, pick.name, pick.username, pick.phone, pick.load, pick.rule, ahead.n AS ahead FROM ahead LEFT JOIN pick ON true`;

/**
 * Route a new ticket in one statement: to the least-loaded expert at work now with room left whose specialty
 * and county match (those serving the whole city match every county; on a tie the county's own expert wins),
 * else any at work with the specialty, written as assigned; else to the team queue, with how many wait ahead
 * of it. Routing of one category is serialised by the advisory lock insertOpenedTicket takes in the
 * statement before, so two tickets arriving together see each other's load. The caller texts the expert.
 */
export async function routeTicket(
  q: Queryable,
  t: { id: string; conversationId: string; category: string; county: string | null; priority: number; dueAt: Date },
  input: { now: Date; team: WorkSchedule },
): Promise<{ expert?: RoutedExpert; ahead: number }> {
  const { dow, minute } = chinaClock(input.now);
  const { rows } = await q.query(ROUTE_SQL, [
    t.category, t.county, input.team.days, dow, minute, input.team.startMin, input.team.endMin,
    t.id, t.conversationId, input.now, t.priority, t.dueAt,
  ]);
  const r = rows[0];
  const expert = r.id ? { id: r.id, name: r.name, username: r.username, phone: r.phone, load: r.load, rule: r.rule } : undefined;
  return { expert, ahead: r.ahead };
}

/** Remember the hand-out, so equally loaded experts take turns. */
export async function markAssigned(q: Queryable, userId: string, now: Date): Promise<void> {
  await q.query('UPDATE users SET last_assigned_at = $2 WHERE id = $1', [userId, now]);
}

/** Experts with the specialty who could take a ticket in this county, for notices about the queue. */
export async function expertsFor(q: Queryable, category: string, county: string | null, limit = 5) {
  const { rows } = await q.query<{ id: string; name: string; phone: string | null }>(
    `SELECT id, name, phone FROM users
      WHERE role = 'expert' AND NOT disabled AND available AND $1 = ANY(specialties)
        AND ($2::text IS NULL OR cardinality(counties) = 0 OR $2 = ANY(counties))
      ORDER BY last_assigned_at NULLS FIRST, id LIMIT $3`,
    [category, county, limit],
  );
  return rows;
}
