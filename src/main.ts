import dotenv from 'dotenv';
import pino from 'pino';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase, redactUrl } from './db/pool.ts';
import { migrate } from './db/migrate.ts';
import { createKnowledge } from './knowledge/index.ts';
import { EmbedderMismatchError } from './knowledge/embedding-column.ts';
import { seedKnowledgeBase } from './knowledge/seed.ts';
import { buildApp } from './app.ts';
import { seedStructuredData } from './data/index.ts';
import { ConversationEvents } from './conversations/events.ts';
import { createAgent } from './bot/index.ts';

dotenv.config({ quiet: true });

async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL, redact: ['req.headers.authorization'] });
  const started = performance.now();
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  log.info(
    { engine: db.engine, where: config.DATABASE_URL ? redactUrl(config.DATABASE_URL) : config.DATA_DIR },
    'database open',
  );
  const { applied } = await migrate(db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const knowledge = await createKnowledge(config, db);
  if (config.SEED_ON_START) {
    const report = await seedKnowledgeBase(db, knowledge, config.SEEDS_DIR);
    if (report === 'unchanged') log.info('shipped knowledge already ingested');
    else {
      log.info({ ...report, errors: report.errors.length }, 'shipped knowledge ingested');
      for (const e of report.errors) log.warn(e, 'seed file skipped');
    }
    for (const table of await seedStructuredData(db, config.SEEDS_DIR)) {
      if (table.status === 'loaded' || table.status === 'failed') {
        log.info({ table: table.table, status: table.status, loaded: table.loaded, rejected: table.rejected.length }, 'seed data');
      }
      for (const r of table.rejected) log.warn(r, 'seed row rejected');
    }
  }
  const events = new ConversationEvents();
  const agent = await createAgent(config, {
    pool: db.pool, knowledge, events, log: (msg, err) => log.warn({ err }, msg),
  });
  if (!config.ADMIN_TOKEN) log.warn('ADMIN_TOKEN is not set: the admin API answers 401 to everyone');

  const app = await buildApp({ config, db, knowledge, agent, events }, { loggerInstance: log });
  await app.listen({ port: config.PORT, host: config.HOST });
  log.info({ seconds: +((performance.now() - started) / 1000).toFixed(1) }, '益农助手 ready');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await app.close();
      await db.close();
    } finally {
      clearTimeout(force);
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof EmbedderMismatchError) {
    console.error(err.message);
  } else {
    console.error('启动失败 (start-up failed):', err);
  }
  process.exit(1);
});
