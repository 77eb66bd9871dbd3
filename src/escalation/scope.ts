import type { Queryable } from '../db/pool.ts';
import type { Principal } from '../accounts/principal.ts';
import { farmerVisibleSql, recordScopeOf } from '../conversations/scope.ts';
import type { Ticket } from './tickets.ts';

/**
 * Who sees which tickets: an administrator all; an expert those in their specialties and counties (an
 * expert with no counties serves the whole city; a ticket with no county is any county's) plus any handed
 * to them; an officer those they asked (代问) and those of farmers in their record scope
 * (src/conversations/scope.ts: their county or village, or farmers they asked for); nobody else any.
 *
 * The expert rule is written twice on purpose, side by side: as SQL for lists (`scopeCondition`) and as a
 * pure test on a ticket's routing facts for the live stream (`expertSees`); officers' go through the SQL.
 */
export type TicketScope =
  | { kind: 'all'; userId?: string }
  | { kind: 'expert'; userId: string; specialties: string[]; counties: string[] }
  | { kind: 'officer'; userId: string; counties: string[]; village: string | null }
  | { kind: 'none' };

export function scopeOf(p: Principal): TicketScope {
  if (p.role === 'admin') return { kind: 'all', userId: p.userId };
  if (p.role === 'expert' && p.userId) {
    return { kind: 'expert', userId: p.userId, specialties: p.specialties ?? [], counties: p.counties ?? [] };
  }
  const record = recordScopeOf(p);
  if (record.kind === 'officer') return record;
  return { kind: 'none' };
}

/** Collects bound parameters while a WHERE clause is written: every value is bound, never pasted. */
export class Params {
  readonly values: unknown[] = [];
  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The scope as SQL over tickets `t`. */
export function scopeCondition(scope: TicketScope, p: Params): string {
  switch (scope.kind) {
    case 'all':
      return 'true';
    case 'none':
      return 'false';
    case 'expert': {
      const counties = p.bind(scope.counties);
      return `(t.assignee_id = ${p.bind(scope.userId)} OR (t.category = ANY(${p.bind(scope.specialties)}::text[])
        AND (cardinality(${counties}::text[]) = 0 OR t.county IS NULL OR t.county = ANY(${counties}::text[]))))`;
    }
    case 'officer': {
      const farmer = `coalesce(t.on_behalf_of, (SELECT fc.farmer_phone FROM conversations fc WHERE fc.id = t.conversation_id))`;
      return `(t.asked_by = ${p.bind(scope.userId)} OR ${farmerVisibleSql(scope, (v) => p.bind(v), farmer)})`;
    }
  }
}

/** What the live stream knows of a ticket; enough for the expert and administrator scopes. */
export interface RoutingFacts {
  category: string;
  county: string | null;
  assigneeId: string | null;
}

/** The expert and administrator scopes as a pure test (the SQL above, for one ticket); officers: false. */
export function expertSees(scope: TicketScope, t: RoutingFacts): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'expert':
      return (
        t.assigneeId === scope.userId ||
        (scope.specialties.includes(t.category) &&
          (scope.counties.length === 0 || t.county === null || scope.counties.includes(t.county)))
      );
    default:
      return false;
  }
}

/** Whether the scope covers this ticket. */
export async function canSee(q: Queryable, scope: TicketScope, t: Ticket): Promise<boolean> {
  if (scope.kind !== 'officer') return expertSees(scope, t);
  if (t.askedBy === scope.userId) return true;
  const p = new Params();
  const id = p.bind(t.id);
  const { rows } = await q.query(`SELECT 1 FROM tickets t WHERE t.id = ${id}::uuid AND ${scopeCondition(scope, p)}`, p.values);
  return rows.length > 0;
}
