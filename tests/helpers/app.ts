import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Database } from '../../src/db/pool.ts';
import { createKnowledge, type Knowledge } from '../../src/knowledge/index.ts';
import { createTestDatabase } from './database.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const adminAuth = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface TestContext {
  app: FastifyInstance;
  db: Database;
  knowledge: Knowledge;
  config: Config;
  close(): Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ADMIN_TOKEN, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...overrides });
}

/** The real app on a fresh database, driven with `inject`. */
export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestContext> {
  const config = testConfig(overrides);
  const db = await createTestDatabase();
  const knowledge = await createKnowledge(config, db);
  const app = await buildApp({ config, db, knowledge });
  await app.ready();
  return {
    app,
    db,
    knowledge,
    config,
    async close() {
      await app.close();
      await db.close();
    },
  };
}
