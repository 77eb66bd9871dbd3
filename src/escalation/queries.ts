import type { Queryable } from '../db/pool.ts';
import { Params, scopeCondition, type TicketScope } from './scope.ts';
import { parseTicketRef, shortNumberRange } from './ticket-number.ts';
import { OWNED_STATUSES, TICKET_SELECT, toTicket, type Ticket, type TicketStatus } from './tickets.ts';

export type TicketView = 'scope' | 'mine' | 'queue';

export interface TicketQuery {
  /** scope: everything the caller may see, newest first; mine: held by the caller; queue: waiting for someone to claim */
  view: TicketView;
  statuses?: TicketStatus[];
  category?: string;
  county?: string;
  /** the 问题编号 the farmer was shown (an id prefix) or a whole id */
  number?: string;
  limit: number;
  /** newest-first paging: tickets created before this one */
  before?: { createdAt: string; id: string };
}

/**
 * The console's lists. Each view reads one index: the queue and "mine" the small partial ones (work still
 * open), history the (status|category, created_at) ones, so they stay fast with years of closed tickets.
 */
export async function listTickets(q: Queryable, scope: TicketScope, query: TicketQuery): Promise<Ticket[]> {
  const p = new Params();
  const where = [scopeCondition(scope, p)];
  let order = 't.created_at DESC, t.id DESC';
  if (query.view === 'mine') {
    const me = 'userId' in scope ? scope.userId : undefined;
    where.push(me ? `t.assignee_id = ${p.bind(me)}` : 'false');
    // The default is written out so the planner can match the partial index's predicate.
    if (query.statuses) where.push(`t.status = ANY(${p.bind(query.statuses)}::text[])`);
    else where.push(`t.status IN ('assigned', 'answered', 'reopened')`);
    if ((query.statuses ?? OWNED_STATUSES).every((s) => OWNED_STATUSES.includes(s))) order = 't.priority, t.due_at, t.id';
  } else if (query.view === 'queue') {
    where.push(`t.assignee_id IS NULL AND t.status IN ('open', 'reopened')`);
    order = 't.priority, t.due_at, t.id';
  } else if (query.statuses) {
    where.push(`t.status = ANY(${p.bind(query.statuses)}::text[])`);
  }
  if (query.category) where.push(`t.category = ${p.bind(query.category)}`);
  if (query.county) where.push(`t.county = ${p.bind(query.county)}`);
  const ref = query.number ? parseTicketRef(query.number) : undefined;
  if (ref?.kind === 'id') where.push(`t.id = ${p.bind(ref.id)}::uuid`);
  if (ref?.kind === 'short') {
    const [from, to] = shortNumberRange(ref.prefix);
    where.push(`t.id BETWEEN ${p.bind(from)}::uuid AND ${p.bind(to)}::uuid`);
  }
  if (query.before && order.startsWith('t.created_at')) {
    where.push(`(t.created_at, t.id) < (${p.bind(query.before.createdAt)}::timestamptz, ${p.bind(query.before.id)}::uuid)`);
  }
  const { rows } = await q.query(
    `${TICKET_SELECT} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${p.bind(query.limit)}`,
    p.values,
  );
  return rows.map(toTicket);
}

export interface TicketSummary {
  mine: number;
  queue: number;
  overdue: number;
}

/** Badge counts for the console: held by me, waiting in the queue, past due and still unanswered. */
export async function ticketSummary(q: Queryable, scope: TicketScope, now: Date): Promise<TicketSummary> {
  const p = new Params();
  const inScope = scopeCondition(scope, p);
  const me = p.bind('userId' in scope ? (scope.userId ?? null) : null);
  const at = p.bind(now);
  const { rows } = await q.query(
    `SELECT
       (SELECT count(*)::int FROM tickets t WHERE t.assignee_id = ${me}::uuid AND t.status IN ('assigned', 'answered', 'reopened')) AS mine,
       (SELECT count(*)::int FROM tickets t WHERE ${inScope} AND t.assignee_id IS NULL AND t.status IN ('open', 'reopened')) AS queue,
       (SELECT count(*)::int FROM tickets t WHERE ${inScope} AND t.status IN ('open', 'assigned', 'reopened') AND t.due_at < ${at}) AS overdue`,
    p.values,
  );
  return rows[0];
}
