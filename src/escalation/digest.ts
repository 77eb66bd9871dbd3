import { withTransaction } from '../db/pool.ts';
import type { EscalationContext } from './context.ts';
import { textExpert } from './notify.ts';

export interface DigestReport {
  experts: number;
  texted: number;
}

/**
 * The daily digest for experts (for the scheduler): each active expert with a phone and something waiting gets
 * one text with the tickets they hold, how many of those are overdue, and the queue in their specialties.
 */
export async function expertDigest(ctx: EscalationContext): Promise<DigestReport> {
  const now = ctx.now();
  return withTransaction(ctx.pool, async (q) => {
    const { rows } = await q.query<{ name: string; phone: string | null; held: number; overdue: number; queue: number }>(
      `SELECT u.name, u.phone,
              (SELECT count(*)::int FROM tickets t WHERE t.assignee_id = u.id AND t.status IN ('assigned', 'reopened')) AS held,
              (SELECT count(*)::int FROM tickets t WHERE t.assignee_id = u.id AND t.status IN ('assigned', 'reopened')
                  AND t.due_at < $1) AS overdue,
              (SELECT count(*)::int FROM tickets t WHERE t.assignee_id IS NULL AND t.status IN ('open', 'reopened')
                  AND t.category = ANY(u.specialties)
                  AND (cardinality(u.counties) = 0 OR t.county IS NULL OR t.county = ANY(u.counties))) AS queue
         FROM users u WHERE u.role = 'expert' AND NOT u.disabled AND u.available AND u.phone IS NOT NULL`,
      [now],
    );
    let texted = 0;
    for (const r of rows) {
      if (r.held === 0 && r.queue === 0) continue;
      const overdue = r.overdue ? `，其中${r.overdue}个已超时` : '';
      const queue = r.queue ? `；队列里有${r.queue}个您专业的问题待认领` : '';
      await textExpert(ctx, q, r, `【益农助手】${r.name}您好：您有${r.held}个问题待答复${overdue}${queue}。请登录专家台处理。`);
      texted++;
    }
    return { experts: rows.length, texted };
  });
}
