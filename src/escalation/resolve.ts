import type { Queryable } from '../db/pool.ts';
import { conflict, invalid, missing } from './errors.ts';
import { Params, scopeCondition, type TicketScope } from './scope.ts';
import { parseTicketRef, shortNumberRange } from './ticket-number.ts';

/**
 * The ticket id a caller means: a whole id as it is, or the 8-digit 问题编号 the farmer was shown, matched
 * among the tickets the caller may see. A number two visible tickets share is refused with what to do instead.
 */
export async function resolveTicketRef(q: Queryable, scope: TicketScope, raw: string): Promise<string> {
  const ref = parseTicketRef(raw);
  if (!ref) throw invalid('invalid_ticket_number', `问题编号“${raw.slice(0, 40)}”不对：应为 8 位问题编号（如 1f81309b）或完整编号`);
  if (ref.kind === 'id') return ref.id;
  const p = new Params();
  const [from, to] = shortNumberRange(ref.prefix);
  const { rows } = await q.query<{ id: string }>(
    `SELECT t.id FROM tickets t WHERE t.id BETWEEN ${p.bind(from)}::uuid AND ${p.bind(to)}::uuid AND ${scopeCondition(scope, p)}
      ORDER BY t.id LIMIT 2`,
    p.values,
  );
  if (!rows.length) throw missing('not_found', `没有编号为 ${ref.prefix} 的问题（或不在您能看到的范围内）`);
  if (rows.length > 1) throw conflict('ambiguous_ticket_number', `有多个问题的编号以 ${ref.prefix} 开头，请用完整编号`);
  return rows[0].id;
}
