import os from 'node:os';
import cron from 'node-cron';
import { z } from 'zod';
import { bool, optional, secret } from './fields.ts';

// Scheduled work (src/jobs) and several instances: spread into the one schema in src/config.ts (README.md,
// "Jobs" and "Running several instances").

/** A cron expression node-cron accepts (5 fields, or 6 with seconds first). */
export const schedule = (def: string) =>
  z
    .string()
    .trim()
    .default(def)
    .refine((v) => cron.validate(v), {
      message: 'is not a cron expression; write 5 fields "minute hour day month weekday" (e.g. "*/10 * * * *"), or 6 with seconds first',
    });

export const jobsSettings = {
  /** Master switch: false runs no scheduled job in this instance (others still run them). */
  JOBS_ENABLED: bool.default(true),
  JOBS_TIMEZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'is not a time zone name; use an IANA name such as Asia/Shanghai'),
  /** How long a stop waits for runs in progress before the process exits anyway. */
  JOBS_STOP_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(600).default(5),
  JOBS_PRICE_IMPORT_ENABLED: bool.default(true),
  JOBS_PRICE_IMPORT_SCHEDULE: schedule('*/10 * * * *'),
  JOBS_EXPIRY_ENABLED: bool.default(true),
  JOBS_EXPIRY_SCHEDULE: schedule('7 * * * *'),
  JOBS_KNOWLEDGE_ENABLED: bool.default(true),
  JOBS_KNOWLEDGE_SCHEDULE: schedule('30 3 * * *'),
  /** Re-embed on start and in the knowledge job when EMBEDDINGS_* changed (otherwise start-up stops and says so). */
  JOBS_REEMBED_AUTO: bool.default(false),
  JOBS_TICKET_SLA_ENABLED: bool.default(true),
  JOBS_TICKET_SLA_SCHEDULE: schedule('*/5 * * * *'),
  JOBS_OUTBOX_SWEEP_ENABLED: bool.default(true),
  JOBS_OUTBOX_SWEEP_SCHEDULE: schedule('* * * * *'),
  JOBS_DIGEST_ENABLED: bool.default(true),
  JOBS_DIGEST_SCHEDULE: schedule('0 8 * * *'),
  /** job_runs older than this are deleted by the expiry job. */
  JOBS_RUNS_KEEP_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  PRICE_FEED_URL: optional(z.string().url().regex(/^https?:\/\//i, 'must be an http:// or https:// URL')),
  PRICE_FEED_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
  PRICE_DROP_DIR: optional(z.string().min(1)),
  /** A file larger than this is refused whole (CSV and JSON Lines are streamed below it; a JSON array is read whole up to 16 MB). */
  PRICE_IMPORT_MAX_MB: z.coerce.number().min(0.001).max(2048).default(64),
  /** A dropped file modified more recently than this is left for the next tick: it may still be being copied. */
  PRICE_DROP_SETTLE_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  /** This instance's name in job_runs, logs and cross-instance messages. */
  INSTANCE_ID: z
    .string()
    .regex(/^[\w.:-]{1,64}$/, 'use up to 64 letters, digits, dots, colons, dashes or underscores')
    .default(`${os.hostname()}-${process.pid}`),
  /** Pass new messages to the other instances through PostgreSQL LISTEN/NOTIFY (server only). */
  INSTANCE_NOTIFY: bool.default(true),
  /** When set, GET /metrics wants `Authorization: Bearer <token>`. */
  METRICS_TOKEN: secret,
};
