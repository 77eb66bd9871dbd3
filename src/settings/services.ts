import { z } from 'zod';
import { bool, optional, secret } from './fields.ts';
import { schedule } from './jobs.ts';

// Settings of the stations' services (src/services): spread into the one schema in src/config.ts and
// documented in README.md ("Station services") and docs/exchange.md.

export const servicesSettings = {
  /** An open 代购 order whose status has not changed for this many days is reminded (officer and farmer). */
  ORDER_REMINDER_DAYS: z.coerce.number().int().min(1).max(90).default(3),
  JOBS_ORDER_REMINDERS_ENABLED: bool.default(true),
  JOBS_ORDER_REMINDERS_SCHEDULE: schedule('0 9 * * *'),
  JOBS_TRAINING_REMINDERS_ENABLED: bool.default(true),
  JOBS_TRAINING_REMINDERS_SCHEDULE: schedule('0 17 * * *'),
  /** The provincial platform's pull token: GET /api/v1/exchange/v1/... wants `Authorization: Bearer <token>`. */
  EXCHANGE_TOKEN: secret,
  /** Signs pushes to EXCHANGE_PUSH_URL and checks the notices the province posts (HMAC-SHA256, as SMS_HTTP_SECRET). */
  EXCHANGE_SECRET: secret,
  EXCHANGE_PUSH_URL: optional(z.string().url().regex(/^https?:\/\//i, 'must be an http:// or https:// URL')),
  EXCHANGE_PUSH_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  /** A signed request older (or further in the future) than this is refused as stale. */
  EXCHANGE_SIGNATURE_MAX_AGE_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  JOBS_EXCHANGE_PUSH_ENABLED: bool.default(true),
  JOBS_EXCHANGE_PUSH_SCHEDULE: schedule('*/15 * * * *'),
};

/** EXCHANGE_PUSH_URL without EXCHANGE_SECRET would push unsigned: refused at start. */
export function checkServicesSettings(c: { EXCHANGE_PUSH_URL?: string; EXCHANGE_SECRET?: string }, ctx: z.RefinementCtx): void {
  if (c.EXCHANGE_PUSH_URL && !c.EXCHANGE_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['EXCHANGE_SECRET'], message: 'is required when EXCHANGE_PUSH_URL is set (pushes are signed)' });
  }
}
