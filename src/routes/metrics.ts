import { timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { bearerToken } from '../http/auth.ts';
import { unauthorized } from '../http/errors.ts';
import { createMetrics, refreshDatabaseGauges, type Metrics } from '../metrics/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GET /metrics in Prometheus text, the HTTP latency of every route, and turn counts from the app's events.
 * Registered before the routes (and not encapsulated) so its hook times all of them. With METRICS_TOKEN
 * set, a scrape must bring it as a bearer token.
 */
const metrics: FastifyPluginAsync = async (app) => {
  const m = createMetrics();
  app.decorate('metrics', m);
  const unwatch = m.watchEvents(app.events, app.db.pool);
  app.addHook('onClose', async () => {
    unwatch();
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern, not its URL: ids in paths would make a series per conversation.
    m.observeHttp(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const token = app.config.METRICS_TOKEN;
    if (token && !sameToken(bearerToken(request), token)) throw unauthorized('需要 METRICS_TOKEN：请在 Authorization 头里带上 Bearer 令牌');
    await refreshDatabaseGauges(app.db.pool, m.gauges);
    return reply.type(m.registry.contentType).send(await m.registry.metrics());
  });
};

export const metricsPlugin = fp(metrics, { name: 'yinong-metrics' });
