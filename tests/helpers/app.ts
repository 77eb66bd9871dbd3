import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Database } from '../../src/db/pool.ts';
import { createKnowledge, type Knowledge } from '../../src/knowledge/index.ts';
import { createTestDatabase } from './database.ts';
import { seedStructuredData } from '../../src/data/index.ts';
import { ConversationEvents } from '../../src/conversations/events.ts';
import { createAgent, type Agent } from '../../src/bot/index.ts';
import { seedKnowledgeBase } from '../../src/knowledge/seed.ts';
import { createEscalation, type Escalation } from '../../src/escalation/index.ts';
import { smsAgentHooks } from '../../src/channels/sms/index.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const adminAuth = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface TestContext {
  app: FastifyInstance;
  db: Database;
  knowledge: Knowledge;
  agent: Agent;
  events: ConversationEvents;
  escalation: Escalation;
  config: Config;
  close(): Promise<void>;
}

/** The day the shipped demo data was written for: tests pin the clock so prices and posts stay current. */
export const DEMO_NOW = new Date('2026-11-28T04:00:00Z');

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ADMIN_TOKEN, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...overrides });
}

/**
 * The real app on a fresh database, driven with `inject`. With `seed`, the shipped knowledge and data are
 * loaded as on a first start; with `sms`, the SMS hooks are wired into the agent too.
 */
export async function createTestApp(
  overrides: Record<string, string> = {},
  opts: { seed?: boolean; clock?: () => Date; sms?: boolean } = {},
): Promise<TestContext> {
  const config = testConfig(overrides);
  const db = await createTestDatabase();
  const knowledge = await createKnowledge(config, db);
  if (opts.seed) {
    await seedKnowledgeBase(db, knowledge, config.SEEDS_DIR);
    await seedStructuredData(db, config.SEEDS_DIR);
  }
  const events = new ConversationEvents();
  const escalation = createEscalation(config, { pool: db.pool, knowledge, events, clock: opts.clock });
  const agent = await createAgent(config, {
    pool: db.pool, knowledge, events, clock: opts.clock,
    hooks: {
      onEscalated: escalation.hooks.onEscalated, onFollowUpToExpert: escalation.hooks.onFollowUpToExpert,
      // as main.ts wires them: 代问 answers also reach the farmer's phone
      ...(opts.sms ? smsAgentHooks(db.pool) : {}),
    },
  });
  const app = await buildApp({ config, db, knowledge, agent, events, escalation });
  await app.ready();
  return {
    app,
    db,
    knowledge,
    agent,
    events,
    escalation,
    config,
    async close() {
      await app.close();
      await db.close();
    },
  };
}
