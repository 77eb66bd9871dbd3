import { z } from 'zod';
import { bool, int, optional, secret } from './fields.ts';

// The SMS channel's settings (src/channels/sms), spread into the one schema in src/config.ts (documented in
// README.md, "SMS").
const list = z
  .string()
  .default('')
  .transform((v) => v.split(/[,，\s]+/).map((t) => t.trim()).filter(Boolean));

export const smsSettings = {
  SMS_GATEWAY: z.enum(['http', 'smpp', 'console'], { error: 'must be http, smpp or console' }).default('console'),
  SMS_HTTP_URL: optional(z.string().url()),
  SMS_HTTP_SECRET: secret,
  SMS_HTTP_TIMEOUT_MS: int(500, 120_000, 10_000),
  SMS_SIGNATURE_MAX_AGE_SECONDS: int(10, 3600, 300),
  SMS_BUDGET_SEGMENTS: int(1, 10, 3),
  SMS_MAX_INBOUND_CHARS: int(70, 5000, 1000),
  SMS_RATE_PER_SECOND: int(1, 10_000, 20),
  SMS_CONCURRENCY: int(1, 200, 4),
  SMS_MAX_ATTEMPTS: int(1, 100, 8),
  SMS_RETRY_BASE_MS: int(100, 3_600_000, 2000),
  SMS_RETRY_MAX_MS: int(1000, 86_400_000, 600_000),
  SMS_LEASE_SECONDS: int(1, 3600, 60),
  SMS_POLL_MS: int(20, 60_000, 500),
  SMS_INBOX_RETRY_SECONDS: int(1, 3600, 30),
  SMS_OFFICER_PHONES: list,
  // After a crash mid-send over SMPP (which cannot dedupe): resend and risk a duplicate (true), or hold it
  SMS_RESEND_UNCERTAIN: bool.default(true),
  SMPP_HOST: optional(z.string()),
  SMPP_PORT: int(1, 65535, 2775),
  SMPP_SYSTEM_ID: optional(z.string().max(15, 'SMPP system_id is at most 15 characters')),
  SMPP_PASSWORD: z.string().max(8, 'SMPP password is at most 8 characters').default(''),
  SMPP_SYSTEM_TYPE: z.string().max(12).default(''),
  SMPP_SOURCE_ADDR: z.string().max(20).default(''),
  SMPP_WINDOW: int(1, 100, 10),
  SMPP_ENQUIRE_LINK_SECONDS: int(1, 3600, 30),
  SMPP_RESPONSE_TIMEOUT_MS: int(100, 120_000, 10_000),
  SMPP_RECONNECT_MAX_SECONDS: int(1, 3600, 60),
};

export function checkSmsSettings(
  c: { SMS_GATEWAY: string; SMS_HTTP_URL?: string; SMS_HTTP_SECRET?: string; SMPP_HOST?: string; SMPP_SYSTEM_ID?: string; SMS_RETRY_BASE_MS: number; SMS_RETRY_MAX_MS: number; SMS_LEASE_SECONDS: number; SMS_HTTP_TIMEOUT_MS: number },
  ctx: z.RefinementCtx,
): void {
  const need = (key: string, when: string) => ctx.addIssue({ code: 'custom', path: [key], message: `is required when ${when}` });
  if (c.SMS_GATEWAY === 'http') {
    if (!c.SMS_HTTP_URL) need('SMS_HTTP_URL', 'SMS_GATEWAY=http');
    if (!c.SMS_HTTP_SECRET) need('SMS_HTTP_SECRET', 'SMS_GATEWAY=http');
  }
  if (c.SMS_GATEWAY === 'smpp') {
    if (!c.SMPP_HOST) need('SMPP_HOST', 'SMS_GATEWAY=smpp');
    if (!c.SMPP_SYSTEM_ID) need('SMPP_SYSTEM_ID', 'SMS_GATEWAY=smpp');
  }
  if (c.SMS_RETRY_MAX_MS < c.SMS_RETRY_BASE_MS) {
    ctx.addIssue({ code: 'custom', path: ['SMS_RETRY_MAX_MS'], message: 'must not be below SMS_RETRY_BASE_MS' });
  }
  // A request still in flight when its lease ends would be sent again by another worker.
  if (c.SMS_LEASE_SECONDS * 1000 <= c.SMS_HTTP_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', path: ['SMS_LEASE_SECONDS'], message: 'must be longer than SMS_HTTP_TIMEOUT_MS' });
  }
}
