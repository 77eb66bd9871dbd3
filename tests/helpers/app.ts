import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Database } from '../../src/db/pool.ts';
import type { Knowledge } from '../../src/knowledge/index.ts';
import { createTestDatabase } from './database.ts';
import { seedStructuredData } from '../../src/data/index.ts';
import type { ConversationEvents } from '../../src/conversations/events.ts';
import { getConversation } from '../../src/conversations/store.ts';
import type { Agent } from '../../src/bot/index.ts';
import { seedKnowledgeBase } from '../../src/knowledge/seed.ts';
import type { Escalation } from '../../src/escalation/index.ts';
import type { Principal } from '../../src/accounts/principal.ts';
import { createServices, type Services } from '../../src/compose.ts';
import type { ChannelAdapter, Inbound, Outbox, Turns, TurnOutcome } from '../../src/turns/index.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const adminAuth = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface TestContext {
  app: FastifyInstance;
  db: Database;
  knowledge: Knowledge;
  agent: Agent;
  events: ConversationEvents;
  escalation: Escalation;
  outbox: Outbox;
  turns: Turns;
  services: Services;
  config: Config;
  /** One message into a conversation known by id, through the whole turn pipeline. */
  say(turn: TestTurn): Promise<TurnOutcome>;
  close(): Promise<void>;
}

/** A message into an existing conversation, spoken by a farmer or an officer (the dialogue suite's way in). */
export interface TestTurn extends Inbound {
  conversationId: string;
  author?: 'farmer' | 'officer';
  principal?: Principal;
}

/**
 * A channel adapter for a conversation made beforehand: the test says who speaks. An officer speaking into
 * a farmer's conversation speaks for that farmer (代问), as an officer naming a farmer's phone on the API does:
 * the pipeline records it and then admits the officer (src/turns/speaker.ts).
 */
function knownConversation(db: Database): ChannelAdapter<TestTurn> {
  return {
    channel: 'api',
    async conversation(m) {
      const conversation = await getConversation(db.pool, m.conversationId);
      if (!conversation) throw new Error(`conversation ${m.conversationId} does not exist`);
      return conversation;
    },
    speaker: async (m, _said, conversation) =>
      m.author === 'officer'
        ? { author: 'officer', principal: m.principal, forFarmer: conversation.farmerPhone ?? undefined }
        : { author: 'farmer', principal: m.principal },
  };
}

/** The day the shipped demo data was written for: tests pin the clock so prices and posts stay current. */
export const DEMO_NOW = new Date('2026-11-28T04:00:00Z');

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ADMIN_TOKEN, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...overrides });
}

/**
 * The real app on a fresh database, driven with `inject`. With `seed`, the shipped knowledge and data are
 * loaded as on a first start. Wired by the composition root, as main.ts is (`sms` is kept for callers; the
 * SMS delivery is always there).
 */
export async function createTestApp(
  overrides: Record<string, string> = {},
  opts: { seed?: boolean; clock?: () => Date; sms?: boolean } = {},
): Promise<TestContext> {
  const config = testConfig(overrides);
  const db = await createTestDatabase();
  const services = await createServices(config, db, { clock: opts.clock });
  if (opts.seed) {
    await seedKnowledgeBase(db, services.knowledge, config.SEEDS_DIR);
    // The demo rows are seeded as of the app's clock (a pinned clock sees them exactly as written).
    await seedStructuredData(db, config.SEEDS_DIR, { now: opts.clock?.() });
  }
  const app = await buildApp(services);
  const adapter = knownConversation(db);
  await app.ready();
  return {
    app,
    db,
    knowledge: services.knowledge,
    agent: services.agent,
    events: services.events,
    escalation: services.escalation,
    outbox: services.outbox,
    turns: services.turns,
    services,
    config,
    say: (turn) => services.turns.receive(adapter, turn),
    async close() {
      await app.close();
      await db.close();
    },
  };
}
