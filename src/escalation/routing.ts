import type { Queryable } from '../db/pool.ts';
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

// Work an expert holds: answered tickets wait only for the farmer, so they do not count.
const EXPERT_SQL = `
SELECT u.id, u.name, u.username, u.phone, l.load
  FROM users u
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS load FROM tickets t WHERE t.assignee_id = u.id AND t.status IN ('assigned', 'reopened')
  ) l
 WHERE u.role = 'expert' AND NOT u.disabled AND u.available
   AND $1 = ANY(u.specialties)
   AND ($2::text IS NULL OR cardinality(u.counties) = 0 OR $2 = ANY(u.counties))
   AND coalesce(u.work_days, $3::smallint[]) @> ARRAY[$4::smallint]
   AND $5 >= coalesce(u.work_start_min, $6) AND $5 < coalesce(u.work_end_min, $7)
   AND l.load < u.capacity
 ORDER BY l.load, ($2::text IS NOT NULL AND $2 = ANY(u.counties)) DESC, u.last_assigned_at NULLS FIRST, u.id
 LIMIT 1`;

/**
 * The expert a new ticket goes to: the least-loaded one at work now with room left whose specialty and
 * county match (those serving the whole city match every county; on a tie the county's own expert wins),
 * then any at work with the specialty; `undefined` sends the ticket to the team queue. Routing of one
 * category is serialised (advisory lock until the transaction ends), so two tickets arriving together
 * see each other's load.
 */
export async function chooseExpert(
  q: Queryable,
  input: { category: string; county: string | null; now: Date; team: WorkSchedule },
): Promise<RoutedExpert | undefined> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('yinong:route:' || $1))`, [input.category]);
  const { dow, minute } = chinaClock(input.now);
  const args = (county: string | null) => [
    input.category, county, input.team.days, dow, minute, input.team.startMin, input.team.endMin,
  ];
  if (input.county) {
    const { rows } = await q.query(EXPERT_SQL, args(input.county));
    if (rows[0]) return { ...rows[0], rule: 'specialty+county' };
  }
  const { rows } = await q.query(EXPERT_SQL, args(null));
  return rows[0] ? { ...rows[0], rule: 'specialty' } : undefined;
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
