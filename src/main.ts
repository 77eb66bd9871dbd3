import dotenv from 'dotenv';
import pino from 'pino';
import { loggerOptions } from './http/logging.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase, redactUrl, type Database } from './db/pool.ts';
import { migrate } from './db/migrate.ts';
import { EmbedderMismatchError } from './knowledge/embedding-column.ts';
import { seedKnowledgeBase } from './knowledge/seed.ts';
import { buildApp } from './app.ts';
import { seedStructuredData } from './data/index.ts';
import { smsOutboxSource, startSms } from './channels/sms/index.ts';
import { createServices, type Services } from './compose.ts';
import { isFirstEmbeddedStart, isSetUpChild, runSetUpInChild } from './first-start.ts';
import { seedDemoTeam } from './escalation/demo-team.ts';
import { deliveryOptions, IntegrationDeliveryWorker } from './integrations/worker.ts';
import { ensureInitialAdmin } from './admin/first-run.ts';
import { demoTeamBanner, initialAdminBanner } from './admin/banners.ts';
import { createScheduler, reembedBeforeStart, startMessageBridge, startupLock, type JobLog } from './jobs/index.ts';

dotenv.config({ quiet: true });

async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino(loggerOptions(config.LOG_LEVEL));
  const started = performance.now();
  // Embedded first start: the set-up runs in a child process whose memory goes when it exits (first-start.ts).
  if (!isSetUpChild() && isFirstEmbeddedStart(config)) {
    log.info('first start of the embedded database: preparing it in a separate process');
    await runSetUpInChild();
  }
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  });
  log.info(
    { engine: db.engine, where: config.DATABASE_URL ? redactUrl(config.DATABASE_URL) : config.DATA_DIR },
    'database open',
  );
  const services = await setUp(config, db, log);
  if (isSetUpChild()) {
    await db.close();
    log.info({ seconds: +((performance.now() - started) / 1000).toFixed(1) }, 'embedded database prepared');
    return;
  }
  const { knowledge, escalation, turns } = services;
  if (!config.ADMIN_TOKEN) log.info('ADMIN_TOKEN is not set: administrators log in at /admin (automation needs ADMIN_TOKEN)');

  const app = await buildApp(services, { loggerInstance: log });
  const jobLog: JobLog = (level, fields, msg) => log[level](fields, msg);
  // Several instances: what another instance publishes reaches the sockets held here (server only).
  const bridge = await startMessageBridge({
    db, events: services.events, instanceId: config.INSTANCE_ID, enabled: config.INSTANCE_NOTIFY, log: jobLog, observer: app.metrics.bridge,
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  // SMS: the gateway (SMPP binds in the background), the outbox worker and the inbox sweeper.
  const sms = await startSms(config, db.pool, turns, (level, fields, msg) => log[level](fields, msg));
  log.info({ gateway: config.SMS_GATEWAY }, 'SMS channel started');
  // Later replies to integrations' webhooks (a Botpress bot): signed, retried, once per event.
  const integrationDelivery = new IntegrationDeliveryWorker(db.pool, deliveryOptions(config), (level, fields, msg) => log[level](fields, msg));
  integrationDelivery.start();
  // Scheduled jobs, once across instances (advisory locks); started after listen so /ready answers meanwhile.
  const scheduler = createScheduler({
    config, db, knowledge, escalation, smsOutbox: smsOutboxSource(db.pool, sms, config),
    digest: { send: () => escalation.digest() }, outbox: services.outbox, log: jobLog, observer: app.metrics.jobs,
  });
  scheduler.start();
  log.info({ jobs: scheduler.jobs().filter((j) => j.enabled).map((j) => `${j.name} ${j.schedule}`) }, 'jobs scheduled');
  log.info({ seconds: +((performance.now() - started) / 1000).toFixed(1) }, '益农助手 ready');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      // Jobs first: no new run starts, the one in progress finishes (or stops at a safe point).
      await scheduler.stop(config.JOBS_STOP_TIMEOUT_SECONDS * 1000);
      await app.close();
      await bridge.stop();
      // Sends in flight finish and are recorded; the rest wait in the outbox for the next start.
      await sms.stop().catch((err: unknown) => log.warn({ err }, 'SMS stop'));
      await integrationDelivery.stop();
      await db.close();
    } finally {
      clearTimeout(force);
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * Migrations, re-embedding, the shipped seeds, the demo team and the first administrator, one instance at a time.
 * Cheap when nothing changed: every step checks what is already there.
 */
async function setUp(config: Config, db: Database, log: pino.Logger): Promise<Services> {
  const { applied } = await migrate(db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  // Instances starting together set up the knowledge base and seeds one after the other.
  const startup = await startupLock(db);
  // JOBS_REEMBED_AUTO: vectors from another embedder are recomputed here instead of stopping start-up.
  const reembedded = await reembedBeforeStart(config, db);
  if (reembedded) log.info({ chunks: reembedded }, 'knowledge re-embedded with the configured embedder');
  const services = await createServices(config, db, { log: (msg, err) => log.warn({ err }, msg) });
  if (config.SEED_ON_START) {
    const report = await seedKnowledgeBase(db, services.knowledge, config.SEEDS_DIR);
    if (report === 'unchanged') log.info('shipped knowledge already ingested');
    else {
      log.info({ ...report, errors: report.errors.length }, 'shipped knowledge ingested');
      for (const e of report.errors) log.warn(e, 'seed file skipped');
    }
    for (const table of await seedStructuredData(db, config.SEEDS_DIR)) {
      if (table.status === 'loaded' || table.status === 'failed') {
        log.info({ table: table.table, status: table.status, loaded: table.loaded, rejected: table.rejected.length, shiftedDays: table.shiftedDays }, 'seed data');
      }
      for (const r of table.rejected) log.warn(r, 'seed row rejected');
    }
  }
  // Demo mode (NODE_ENV=development or DEMO=1): experts, an officer and a county administrator per county,
  // passwords printed. The embedded default without it still has the expert team (passwords never shown).
  const demoMode = config.NODE_ENV === 'development' || config.DEMO;
  if (demoMode || (config.SEED_ON_START && db.engine === 'pglite')) {
    // passwords are fresh at every reveal: only the serving process shows them, not the set-up child before it
    const demo = await seedDemoTeam(db.pool, { reveal: demoMode && !isSetUpChild(), officers: demoMode });
    if (demo.created) log.info({ accounts: demo.created }, 'demo team created');
    if (demo.accounts.length) console.log(demoTeamBanner(demo.accounts));
  }
  // The way in on a first start: the administrator `admin` with a password printed once (and kept in a file).
  const initial = await ensureInitialAdmin(db.pool, config.DATA_DIR);
  if (initial) {
    log.warn({ username: initial.username, file: initial.file }, 'first administrator created: change the password at first login');
    console.log(initialAdminBanner(initial, config.PORT));
  }
  await startup.release();
  return services;
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof EmbedderMismatchError) {
    console.error(err.message);
  } else {
    console.error('启动失败 (start-up failed):', err);
  }
  process.exit(1);
});
