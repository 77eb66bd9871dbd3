import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { migrationsCurrent } from '../db/migrate.ts';

const healthResponse = z.object({ status: z.literal('ok'), engine: z.string(), uptimeSeconds: z.number() });
const readyResponse = z.object({ status: z.enum(['ready', 'unavailable']), database: z.boolean(), migrations: z.boolean() });

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    { schema: { tags: ['operations'], summary: '存活检查', response: { 200: healthResponse } } },
    async () => ({ status: 'ok' as const, engine: app.db.engine, uptimeSeconds: Math.round(process.uptime()) }),
  );

  app.get(
    '/ready',
    { schema: { tags: ['operations'], summary: '就绪检查：数据库可达且迁移已是最新', response: { 200: readyResponse, 503: readyResponse } } },
    async (_request, reply) => {
      const migrations = await migrationsCurrent(app.db).catch(() => false);
      const database = migrations || (await app.db.pool.query('SELECT 1').then(() => true, () => false));
      const ok = database && migrations;
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', database, migrations });
    },
  );
};
