import type { FastifyRequest, FastifySchema } from 'fastify';
import type { Principal } from '../accounts/principal.ts';
import { notFound } from '../http/errors.ts';

/** What a role guard (src/http/auth.ts `requireRole`) is: an onRequest hook that sets `request.principal`. */
type Guard = (request: FastifyRequest) => Promise<void>;

/**
 * The options of a group of routes behind one role guard: `const admin = guarded(adminOnly, ['knowledge'])`,
 * then `app.get(url, admin({ summary, querystring, response }), handler)`. The guard, the group's OpenAPI tags
 * and the bearer security are written once; each route keeps its own schema (and its own error statuses).
 */
export function guarded(onRequest: Guard, tags: string[]) {
  return <S extends FastifySchema>(schema: S) => ({ onRequest, schema: { tags, security: [{ bearer: [] }], ...schema } });
}

/** The name a change is recorded under: the account's username, or the token's name (ADMIN_TOKEN, an integration). */
export const actorName = (p: Principal): string => p.username ?? p.name;

/** 404 for a record the route's id names but that is not there (or not in the state the route needs). */
export const noSuch = (what: string, id: string) => notFound(`没有编号为 ${id} 的${what}`);
