import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { Database } from './db/pool.ts';
import type { Knowledge } from './knowledge/index.ts';
import type { Agent } from './bot/index.ts';
import type { ConversationEvents } from './conversations/events.ts';
import type { Outbox, Turns } from './turns/index.ts';
import type { Services } from './compose.ts';
import { combinedTokenResolver, sessionTokenResolver, staticTokenResolver, type TokenResolver } from './http/auth.ts';
import { frameworkErrors, registerErrorHandling } from './http/errors.ts';
import { registerInputCleaning } from './http/input.ts';
import { registerJsonBody } from './http/json-body.ts';
import { loggerOptions } from './http/logging.ts';
import { zhValidatorCompiler } from './http/validation.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsPlugin } from './routes/metrics.ts';
import { kbRoutes } from './routes/kb.ts';
import { messageRoutes } from './channels/api/routes.ts';
import { authRoutes } from './routes/auth.ts';
import { userRoutes } from './routes/users.ts';
import { expertAnswerRoutes, ticketRoutes } from './routes/tickets.ts';
import type { Escalation } from './escalation/index.ts';
import { consoles } from './routes/consoles.ts';
import { smsRoutes } from './channels/sms/index.ts';
import { webchat } from './channels/webchat/index.ts';
import { integrationRoutes } from './routes/integrations.ts';
import { programmeRoutes } from './routes/programme.ts';
import { statsRoutes } from './routes/stats.ts';
import { kbAdminRoutes } from './routes/kb-admin.ts';
import { adminDataRoutes } from './routes/admin-data.ts';
import { serviceRoutes } from './routes/services.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Database;
    knowledge: Knowledge;
    agent: Agent;
    events: ConversationEvents;
    resolveToken: TokenResolver;
    escalation: Escalation;
    outbox: Outbox;
    turns: Turns;
  }
}

/** Largest request body accepted (a knowledge document at its limit, in UTF-8, with room for JSON). */
function bodyLimit(config: Config): number {
  return config.KB_MAX_DOCUMENT_CHARS * 4 + 64 * 1024;
}

/** The whole HTTP application on the services of src/services.ts, ready for `inject` in tests or `listen` in main.ts. */
export async function buildApp(deps: Services, opts: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: bodyLimit(deps.config),
    ...(opts.loggerInstance ? {} : { logger: loggerOptions(deps.config.LOG_LEVEL) }),
    // bad URLs and over-long path parameters never reach the error handler: same shape and language here
    frameworkErrors,
    ...opts,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(zhValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.decorate('config', deps.config);
  app.decorate('db', deps.db);
  app.decorate('knowledge', deps.knowledge);
  app.decorate('agent', deps.agent);
  app.decorate('events', deps.events);
  app.decorate('resolveToken', combinedTokenResolver(staticTokenResolver(deps.config), sessionTokenResolver(deps.db.pool)));
  app.decorate('escalation', deps.escalation);
  app.decorate('outbox', deps.outbox);
  app.decorate('turns', deps.turns);
  registerErrorHandling(app);
  registerInputCleaning(app);
  registerJsonBody(app);

  await app.register(swagger, {
    openapi: {
      info: { title: '益农助手 API', version: '1.0.0', description: '益农信息社农民信息助手的接口' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // First: its latency hook must see every route registered after it.
  await app.register(metricsPlugin);
  await app.register(healthRoutes);
  await app.register(kbRoutes);
  await app.register(messageRoutes);
  await app.register(authRoutes);
  await app.register(userRoutes);
  await app.register(ticketRoutes);
  await app.register(expertAnswerRoutes);
  await app.register(consoles);
  await app.register(smsRoutes);
  await app.register(webchat);
  await app.register(integrationRoutes);
  await app.register(programmeRoutes);
  await app.register(statsRoutes);
  await app.register(kbAdminRoutes);
  await app.register(adminDataRoutes);
  await app.register(serviceRoutes);
  return app;
}
