// Scheduled work (node-cron, once across instances) and the cross-instance message bridge. How to add a
// job: src/jobs/README.md.
import type { Config } from '../config.ts';
import type { Database } from '../db/pool.ts';
import type { Knowledge } from '../knowledge/index.ts';
import { expireOldRecords } from './expiry.ts';
import { knowledgeCounts, maintainKnowledge } from './knowledge.ts';
import { priceImportJob } from './price-import/index.ts';
import { Scheduler, type JobLog, type JobObserver } from './scheduler.ts';
import { registerServiceJobs } from './services.ts';
import type { Outbox } from '../turns/outbox.ts';
import type { JobSources } from './sources.ts';

export { Scheduler, JobFailure, describeError, type JobContext, type JobCounts, type JobDefinition, type JobLog, type JobObserver, type TickResult } from './scheduler.ts';
export { MessageBridge, startMessageBridge, channelFor, type BridgeObserver } from './bridge.ts';
export { recentRuns, type JobRun } from './runs.ts';
export { reembedBeforeStart, maintainKnowledge, analyzeTables } from './knowledge.ts';
export { expireOldRecords } from './expiry.ts';
export { type JobSources } from './sources.ts';
export { startupLock } from './startup.ts';
export { importPrices, importPriceFile, priceImportCounts, recentFiles, type FileReport, type PriceImportDeps, type PriceImportReport } from './price-import/index.ts';

export interface JobsDeps extends JobSources {
  config: Config;
  db: Database;
  knowledge: Knowledge;
  log?: JobLog;
  observer?: JobObserver;
  now?: () => Date;
  /** where the jobs' messages to farmers (reminders) leave, on each farmer's channel */
  outbox: Outbox;
}

/** The scheduler with every built-in job registered from the configuration (not started). */
export function createScheduler(deps: JobsDeps): Scheduler {
  const { config, db } = deps;
  const now = deps.now ?? (() => new Date());
  const scheduler = new Scheduler({
    db, instanceId: config.INSTANCE_ID, timezone: config.JOBS_TIMEZONE, log: deps.log, observer: deps.observer,
  });
  const on = (enabled: boolean) => config.JOBS_ENABLED && enabled;

  scheduler.register({
    name: 'price-import',
    schedule: config.JOBS_PRICE_IMPORT_SCHEDULE,
    // Nothing to import from until a folder or a feed is configured.
    enabled: on(config.JOBS_PRICE_IMPORT_ENABLED && Boolean(config.PRICE_DROP_DIR || config.PRICE_FEED_URL)),
    run: priceImportJob({
      db, dropDir: config.PRICE_DROP_DIR, feedUrl: config.PRICE_FEED_URL, maxBytes: Math.round(config.PRICE_IMPORT_MAX_MB * 1024 * 1024),
      feedTimeoutMs: config.PRICE_FEED_TIMEOUT_SECONDS * 1000, settleSeconds: config.PRICE_DROP_SETTLE_SECONDS, now,
    }),
  });
  scheduler.register({
    name: 'expiry',
    schedule: config.JOBS_EXPIRY_SCHEDULE,
    enabled: on(config.JOBS_EXPIRY_ENABLED),
    run: () => expireOldRecords(db.pool, { now: now(), keepRunsDays: config.JOBS_RUNS_KEEP_DAYS }),
  });
  scheduler.register({
    name: 'knowledge',
    schedule: config.JOBS_KNOWLEDGE_SCHEDULE,
    enabled: on(config.JOBS_KNOWLEDGE_ENABLED),
    run: async ({ log }) => {
      const report = await maintainKnowledge({
        db, embedder: deps.knowledge.embedder, reembedAuto: config.JOBS_REEMBED_AUTO,
        onReembedded: () => deps.knowledge.retriever.invalidate(),
      });
      if (report.embedder === 'mismatch') {
        log('warn', {}, '知识库向量来自另一个嵌入模型：运行 `npm run kb -- reembed`，或设 JOBS_REEMBED_AUTO=true 让此任务自动重算');
      }
      return knowledgeCounts(report);
    },
  });
  if (deps.escalation) {
    const escalation = deps.escalation;
    scheduler.register({
      name: 'ticket-sla',
      schedule: config.JOBS_TICKET_SLA_SCHEDULE,
      enabled: on(config.JOBS_TICKET_SLA_ENABLED),
      run: async () => ({ ...(await escalation.sweep()) }),
    });
  }
  if (deps.smsOutbox) {
    const outbox = deps.smsOutbox;
    scheduler.register({
      name: 'sms-outbox-sweep',
      schedule: config.JOBS_OUTBOX_SWEEP_SCHEDULE,
      enabled: on(config.JOBS_OUTBOX_SWEEP_ENABLED),
      run: async () => ({ ...(await outbox.sweep()) }),
    });
  }
  if (deps.digest) {
    const digest = deps.digest;
    scheduler.register({
      name: 'digest',
      schedule: config.JOBS_DIGEST_SCHEDULE,
      enabled: on(config.JOBS_DIGEST_ENABLED),
      run: async () => ({ ...(await digest.send(now())) }),
    });
  }
  // Station services: 代购 and training reminders, the provincial push (src/jobs/services.ts)
  registerServiceJobs(scheduler, { config, db, now, outbox: deps.outbox });
  return scheduler;
}
