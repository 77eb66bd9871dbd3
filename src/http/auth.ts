import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../db/pool.ts';
import type { Principal, Role } from '../accounts/principal.ts';
import { userForToken } from '../accounts/sessions.ts';
import { forbidden, HttpError, unauthorized } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const m = header && /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Resolve the caller from the bearer token; `undefined` when there is none. */
export type TokenResolver = (token: string) => Promise<Principal | undefined>;

/** ADMIN_TOKEN (admin role) and INTEGRATION_TOKENS (integration role) from the configuration. */
export function staticTokenResolver(config: { ADMIN_TOKEN?: string; INTEGRATION_TOKENS: string[] }): TokenResolver {
  return async (token) => {
    if (config.ADMIN_TOKEN && sameSecret(token, config.ADMIN_TOKEN)) return { role: 'admin', name: 'admin-token' };
    const i = config.INTEGRATION_TOKENS.findIndex((t) => sameSecret(token, t));
    return i >= 0 ? { role: 'integration', name: `integration-${i + 1}` } : undefined;
  };
}

/** People's session tokens (POST /api/v1/auth/login), looked up by their digest on every request. */
export function sessionTokenResolver(q: Queryable): TokenResolver {
  return async (token) => {
    const user = await userForToken(q, token);
    if (!user) return undefined;
    return {
      role: user.role, userId: user.id, name: user.name, username: user.username,
      specialties: user.specialties, counties: user.counties, village: user.village,
      mustChangePassword: user.mustChangePassword,
    };
  };
}

/** The configured tokens first (no database needed), then people's sessions. */
export function combinedTokenResolver(...resolvers: TokenResolver[]): TokenResolver {
  return async (token) => {
    for (const resolve of resolvers) {
      const principal = await resolve(token);
      if (principal) return principal;
    }
    return undefined;
  };
}

/** The bearer token of a request, if any (logout revokes exactly this one). */
export function bearerToken(request: FastifyRequest): string | undefined {
  return bearer(request);
}

function roleHook(resolve: TokenResolver, roles: Role[], opts: { beforePasswordChange: boolean }) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearer(request);
    if (!token) throw unauthorized();
    const principal = await resolve(token);
    if (!principal) throw unauthorized('令牌无效或已过期，请重新登录或检查 ADMIN_TOKEN');
    if (!roles.includes(principal.role)) throw forbidden();
    if (principal.mustChangePassword && !opts.beforePasswordChange) throw passwordChangeRequired();
    request.principal = principal;
  };
}

/**
 * An onRequest hook (before the body is read or validated) that lets through only the given roles; a
 * person still on a generated password gets 403 password_change_required.
 */
export function requireRole(resolve: TokenResolver, ...roles: Role[]) {
  return roleHook(resolve, roles, { beforePasswordChange: false });
}

/** The same, for the few routes a person on a generated password may use (change it, who am I, log out). */
export function requireRoleBeforePasswordChange(resolve: TokenResolver, ...roles: Role[]) {
  return roleHook(resolve, roles, { beforePasswordChange: true });
}

export const passwordChangeRequired = () =>
  new HttpError(403, 'password_change_required', '请先修改初始密码（POST /api/v1/auth/password），然后才能使用其他功能');
