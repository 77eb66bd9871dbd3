import type { Queryable } from '../db/pool.ts';
import type { Principal } from '../accounts/principal.ts';
import type { Ticket } from './tickets.ts';

/**
 * Who sees which tickets: an administrator all; an expert those in their specialties and counties (an
 * expert with no counties serves the whole city; a ticket with no county is any county's) plus any handed
 * to them; an officer those they asked for farmers (代问); nobody else any.
 */
export type TicketScope =
  | { kind: 'all'; userId?: string }
  | { kind: 'expert'; userId: string; specialties: string[]; counties: string[] }
  | { kind: 'officer'; userId: string }
  | { kind: 'none' };

export function scopeOf(p: Principal): TicketScope {
  if (p.role === 'admin') return { kind: 'all', userId: p.userId };
  if (p.role === 'expert' && p.userId) {
    return { kind: 'expert', userId: p.userId, specialties: p.specialties ?? [], counties: p.counties ?? [] };
  }
  if (p.role === 'officer' && p.userId) return { kind: 'officer', userId: p.userId };
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
    case 'officer':
      return `t.asked_by = ${p.bind(scope.userId)}`;
  }
}

/** Whether the scope covers this ticket. */
export async function canSee(q: Queryable, scope: TicketScope, t: Ticket): Promise<boolean> {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'expert':
      return (
        t.assigneeId === scope.userId ||
        (scope.specialties.includes(t.category) &&
          (scope.counties.length === 0 || t.county === null || scope.counties.includes(t.county)))
      );
    case 'officer':
      return t.askedBy === scope.userId;
  }
}
