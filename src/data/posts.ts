import type { Queryable } from '../db/pool.ts';

/**
 * Close every live labour and supply post whose expiry has passed (the expiry job). One statement, so both
 * tables move together. Searches already skip expired posts; closing them keeps the live indexes small.
 */
export async function closeExpiredPosts(q: Queryable, now: Date): Promise<{ labor: number; supply: number }> {
  const { rows } = await q.query<{ labor: number; supply: number }>(
    `WITH l AS (
       UPDATE labor_posts SET status = 'closed', closed_at = $1
       WHERE status = 'active' AND expires_at <= $1 RETURNING 1
     ), s AS (
       UPDATE supply_posts SET status = 'closed', closed_at = $1
       WHERE status = 'active' AND expires_at <= $1 RETURNING 1
     )
     SELECT (SELECT count(*) FROM l)::int AS labor, (SELECT count(*) FROM s)::int AS supply`,
    [now],
  );
  return rows[0];
}

/** Take one post down ("已招满", "已卖完"); false when there is no such live post. */
export async function closePost(
  q: Queryable,
  table: 'labor' | 'supply',
  id: string,
  now: Date = new Date(),
): Promise<boolean> {
  // A malformed id is simply not found, instead of a uuid cast error.
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return false;
  const sql =
    table === 'labor'
      ? `UPDATE labor_posts SET status = 'closed', closed_at = $2 WHERE id = $1 AND status = 'active'`
      : `UPDATE supply_posts SET status = 'closed', closed_at = $2 WHERE id = $1 AND status = 'active'`;
  const { rowCount } = await q.query(sql, [id, now]);
  return (rowCount ?? 0) > 0;
}
