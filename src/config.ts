import { z } from 'zod';
import { createRequire } from 'node:module';
import { bool } from './settings/fields.ts';
import { jobsSettings } from './settings/jobs.ts';
import { checkServicesSettings, servicesSettings } from './settings/services.ts';
import { checkSmsSettings, smsSettings } from './settings/sms.ts';
import { checkWorkSettings } from './settings/work-hours.ts';

// Read through require, not an import attribute: the build copies the JSON beside the compiled file,
// and the attribute does not survive the build (dist failed to start with ERR_IMPORT_ASSERTION_TYPE_MISSING).
const calibration = createRequire(import.meta.url)('./knowledge/calibration.json') as typeof import('./knowledge/calibration.json');

// One schema over the environment, on the ground floor: the larger areas' settings are in src/settings/,
// which imports nothing of the project's. Every setting is documented in README.md with its default.

const optionalUrl = z
  .string()
  .url()
  .optional()
  .or(z.literal('').transform(() => undefined));

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    // statements prepared once per connection; off behind a pooler that cannot keep them (PgBouncer < 1.21)
    DATABASE_PREPARED_STATEMENTS: bool.default(true),
    ADMIN_TOKEN: z
      .string()
      .min(16, 'must be at least 16 characters; generate one with `openssl rand -hex 24`')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    INTEGRATION_TOKENS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((t) => t.trim()).filter(Boolean))
      .pipe(z.array(z.string().min(16, 'each integration token must be at least 16 characters'))),
    // Later replies (expert answers, ticket closes) to integrations' webhooks: attempts and per-request timeout.
    INTEGRATION_DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
    INTEGRATION_DELIVERY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SEED_ON_START: bool.default(true),
    // demo accounts (experts, an officer and a county administrator per county) with their passwords printed
    DEMO: bool.default(false),
    SEEDS_DIR: z.string().min(1).default('./seeds'),
    EMBEDDINGS_PROVIDER: z.enum(['offline', 'openai']).default('offline'),
    EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(16).max(4096).default(512),
    EMBEDDINGS_BASE_URL: optionalUrl,
    EMBEDDINGS_MODEL: z.string().min(1).optional(),
    EMBEDDINGS_API_KEY: z.string().optional(),
    PROMPTS_DIR: z.string().min(1).default('./prompts'),
    // a probability (the calibrated confidence of src/knowledge/confidence.ts); the default is the operating
    // point `npm run calibrate` chose for precision 0.95 on the tune data
    ANSWER_THRESHOLD: z.coerce.number().min(0).max(1).default(calibration.threshold),
    LLM_BASE_URL: optionalUrl,
    LLM_MODEL: z.string().min(1).optional(),
    LLM_API_KEY: z.string().optional(),
    LLM_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(8000),
    KB_MAX_DOCUMENT_CHARS: z.coerce.number().int().min(100).max(2_000_000).default(200_000),
    // Web chat (src/channels/webchat): origins that may open /ws/chat or embed the page, besides its own
    WEBCHAT_ALLOWED_ORIGINS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean))
      .pipe(z.array(z.union([z.literal('*'), z.string().regex(/^https?:\/\/[^/\s]+$/, 'each origin looks like https://example.gov.cn')]))),
    WEBCHAT_RATE_PER_CONNECTION: z.coerce.number().int().min(1).max(100_000).default(20),
    WEBCHAT_RATE_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(120),
    WEBCHAT_MAX_FRAME_BYTES: z.coerce.number().int().min(1024).max(1_048_576).default(16_384),
    WEBCHAT_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
    WEBCHAT_POLL_WAIT_SECONDS: z.coerce.number().int().min(0).max(60).default(25),
    // SMS channel (src/settings/sms.ts): gateway, signing, budgets, rates, SMPP bind
    ...smsSettings,
    // Scheduled jobs, price feed, several instances, metrics (src/settings/jobs.ts)
    ...jobsSettings,
    // Station services: 代购 and training reminders, the provincial exchange (src/settings/services.ts)
    ...servicesSettings,
    // Accounts and expert escalation (src/accounts, src/escalation)
    SESSION_TTL_HOURS: z.coerce.number().min(0.1).max(24 * 90).default(12),
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
    LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(0).max(100_000).default(50),
    LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
    TICKET_SLA_HOURS: z.coerce.number().min(0.25).max(24 * 30).default(4),
    TICKET_URGENT_SLA_HOURS: z.coerce.number().min(0.25).max(24 * 30).default(1),
    TICKET_AUTO_CLOSE_HOURS: z.coerce.number().min(1).max(24 * 90).default(72),
    TICKET_EXPIRE_DAYS: z.coerce.number().min(1).max(365).default(7),
    EXPERT_WORK_DAYS: z
      .string()
      .regex(/^\s*[1-7](\s*-\s*[1-7])?(\s*,\s*[1-7](\s*-\s*[1-7])?)*\s*$/, 'ISO weekdays such as 1-5 or 1-5,7 (1 = Monday)')
      .default('1-5'),
    EXPERT_WORK_HOURS: z
      .string()
      .regex(/^\s*([01]?\d|2[0-3]):[0-5]\d\s*-\s*(([01]?\d|2[0-3]):[0-5]\d|24:00)\s*$/, 'like 08:00-18:00 (China time)')
      .default('08:00-18:00'),
    EXPERT_SMS_NOTIFY: bool.default(true),
  })
  .superRefine((c, ctx) => {
    if (Boolean(c.LLM_BASE_URL) !== Boolean(c.LLM_MODEL)) {
      ctx.addIssue({ code: 'custom', path: [c.LLM_BASE_URL ? 'LLM_MODEL' : 'LLM_BASE_URL'], message: 'LLM_BASE_URL and LLM_MODEL go together: set both or neither' });
    }
    if (c.EMBEDDINGS_PROVIDER === 'openai') {
      for (const key of ['EMBEDDINGS_BASE_URL', 'EMBEDDINGS_MODEL'] as const) {
        if (!c[key]) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'is required when EMBEDDINGS_PROVIDER=openai',
          });
        }
      }
    }
  })
  .superRefine(checkSmsSettings)
  .superRefine(checkWorkSettings)
  .superRefine(checkServicesSettings);

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parse the environment; the error names every bad setting and what it needs. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
  throw new ConfigError(`配置有误 (invalid configuration):\n${lines.join('\n')}`);
}
