import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Browsers name the page's origin on WebSocket upgrades and cross-site requests; the page's own origin is
 * always allowed, others only when listed in WEBCHAT_ALLOWED_ORIGINS ('*' for any). No Origin header means
 * a program rather than a browser page (a test, a benchmark, a partner's server): let it through, since
 * origin checks only protect browsers from other sites' pages.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: string[]): boolean {
  if (!origin) return true;
  if (allowed.includes('*')) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (host && url.host === host) return true;
  return allowed.includes(url.origin);
}

/** An onRequest hook answering 403 to pages of sites that are not allowed. */
export function requireAllowedOrigin(allowed: string[]) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (originAllowed(request.headers.origin, request.headers.host, allowed)) return;
    await reply.status(403).send({
      error: { code: 'origin_not_allowed', message: `不允许从 ${String(request.headers.origin).slice(0, 100)} 使用聊天，请联系管理员设置 WEBCHAT_ALLOWED_ORIGINS` },
    });
  };
}

/** Which sites may show the page in a frame (the embeddable widget). */
export function frameAncestors(allowed: string[]): string {
  if (allowed.includes('*')) return '*';
  return ["'self'", ...allowed].join(' ');
}
