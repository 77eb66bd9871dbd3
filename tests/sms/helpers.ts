import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config.ts';
import type { Database } from '../../src/db/pool.ts';
import type { Turns } from '../../src/turns/index.ts';
import { sign } from '../../src/webhooks/signature.ts';
import { SECRET, TestGateway } from './gateway.ts';
import { HttpGateway } from '../../src/channels/sms/http-gateway.ts';
import { OutboxWorker, type WorkerOptions } from '../../src/channels/sms/worker.ts';
import { createTestApp, DEMO_NOW } from '../helpers/app.ts';

export { SECRET, TestGateway, type GatewayRequest } from './gateway.ts';

export interface SmsTestApp {
  app: FastifyInstance;
  db: Database;
  turns: Turns;
  config: Config;
  close(): Promise<void>;
}

/**
 * The real app on a fresh database wired as main.ts wires it (代问
 * reaches the farmer's phone). Seeded, with the clock at the demo data's day.
 */
export async function createSmsApp(overrides: Record<string, string> = {}, opts: { seed?: boolean } = { seed: true }): Promise<SmsTestApp> {
  return createTestApp(
    { SMS_GATEWAY: 'http', SMS_HTTP_URL: 'http://127.0.0.1:9/unused', SMS_HTTP_SECRET: SECRET, ...overrides },
    { seed: opts.seed, clock: () => DEMO_NOW, sms: true },
  );
}

let sequence = 0;
/** A gateway message id nobody has used yet. */
export function nextId(prefix = 'gw'): string {
  return `${prefix}-${process.pid}-${Date.now()}-${++sequence}`;
}

/** POST a webhook body signed as the gateway signs it (or tampered, via the options). */
export function signedInject(
  app: FastifyInstance,
  url: string,
  body: unknown,
  opts: { secret?: string; timestamp?: number; raw?: string | Buffer; headers?: Record<string, string> } = {},
) {
  const raw = opts.raw ?? JSON.stringify(body);
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  return app.inject({
    method: 'POST',
    url,
    payload: raw,
    headers: {
      'content-type': 'application/json',
      'x-yinong-timestamp': timestamp,
      'x-yinong-signature': sign(opts.secret ?? SECRET, timestamp, raw),
      ...opts.headers,
    },
  });
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The outbox worker on the test app's database, against the test gateway, with quick retries. */
export function httpWorker(t: SmsTestApp, gateway: TestGateway, opts: Partial<WorkerOptions> & { window?: number; timeoutMs?: number } = {}): OutboxWorker {
  return new OutboxWorker(
    t.db.pool,
    new HttpGateway({ url: gateway.url, secret: SECRET, timeoutMs: opts.timeoutMs ?? 1000, window: opts.window ?? 4 }),
    { ratePerSecond: 1000, maxAttempts: 5, retryBaseMs: 50, retryMaxMs: 400, leaseSeconds: 2, pollMs: 50, resendUncertain: true, ...opts },
  );
}

export async function outboxRows(t: SmsTestApp, phone?: string) {
  const { rows } = await t.db.pool.query(
    `SELECT id, phone, text, kind, seq, status, attempts, segments, encoding, gateway_id, dlr_status, last_error, bypass_opt_out
       FROM sms_outbox WHERE $1::text IS NULL OR phone = $1 ORDER BY created_at, seq`,
    [phone ?? null],
  );
  return rows;
}

