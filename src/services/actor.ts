import type { Queryable } from '../db/pool.ts';
import { countiesOf, outsideCounties } from '../accounts/principal.ts';

/**
 * Who is making a change: an administrator or an officer (信息员) from their token, or a farmer by chat.
 * The same shape as the HTTP layer's Principal, so a route passes it as it is and the domain never imports HTTP.
 */
export interface Actor {
  role: string;
  userId?: string;
  name: string;
  /** an officer's county (one); empty or absent for an administrator: the whole city */
  counties?: string[];
  village?: string | null;
}

/** A change the actor may not make (another county's order): a 403 at the HTTP layer, a plain reply in chat. */
export class ScopeError extends Error {
  readonly code = 'forbidden';
}

/** The counties an actor may change; undefined: all of them (administrators). */
export function actorCounties(actor: Actor): string[] | undefined {
  return countiesOf(actor);
}

/** Throw unless an officer's county covers `county`; administrators may change anything (the predicate: src/accounts/principal.ts). */
export function requireCounty(actor: Actor, county: string | null, what: string): void {
  const own = outsideCounties(actor, county);
  if (own) throw new ScopeError(`只能管理本县的${what}：这条是${county ?? '未指明县'}的，您负责${own}`);
}

/** One row of the officers' audit trail: who changed what, when, and how. */
export async function recordEvent(
  q: Queryable,
  e: { entity: 'machinery' | 'order' | 'training' | 'signup' | 'notice'; entityId: string; action: string; actor: Actor; detail?: Record<string, unknown>; at?: Date },
): Promise<void> {
  await q.query(
    `INSERT INTO service_events (entity, entity_id, action, actor_id, actor_name, actor_role, detail, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, now()))`,
    [e.entity, e.entityId, e.action, e.actor.userId ?? null, e.actor.name, e.actor.role, JSON.stringify(e.detail ?? {}), e.at ?? null],
  );
}

export interface ServiceEvent {
  entity: string;
  entityId: string;
  action: string;
  actorId: string | null;
  actorName: string;
  actorRole: string;
  detail: Record<string, unknown>;
  at: Date;
}

export async function eventsFor(q: Queryable, entity: string, entityId: string): Promise<ServiceEvent[]> {
  const { rows } = await q.query<ServiceEvent>(
    `SELECT entity, entity_id AS "entityId", action, actor_id AS "actorId", actor_name AS "actorName",
            actor_role AS "actorRole", detail, at
     FROM service_events WHERE entity = $1 AND entity_id = $2 ORDER BY at, id`,
    [entity, entityId],
  );
  return rows;
}
