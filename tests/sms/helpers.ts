import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config.ts';
import type { Database } from '../../src/db/pool.ts';
import type { Turns } from '../../src/turns/index.ts';
import { sign, verifySignature } from '../../src/webhooks/signature.ts';
import { HttpGateway } from '../../src/channels/sms/http-gateway.ts';
import { OutboxWorker, type WorkerOptions } from '../../src/channels/sms/worker.ts';
import { createTestApp, DEMO_NOW } from '../helpers/app.ts';

export const SECRET = 'sms-test-secret-0123456789abcdef';

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

export interface GatewayRequest {
  id: string;
  to: string;
  text: string;
}

/**
 * A generic HTTP SMS gateway as an aggregator runs one: checks our signature, dedupes on our request id
 * (the same id is the same SMS: it answers with the id it gave the first time), and "delivers" each SMS
 * to a phone once. `behave` can fail, delay or hang requests to play an unreliable gateway.
 */
export class TestGateway {
  readonly requests: GatewayRequest[] = [];
  /** SMS handed to phones: one per distinct id */
  readonly delivered = new Map<string, GatewayRequest & { gatewayId: string }>();
  readonly badSignatures: string[] = [];
  /**
   * 'hang': never answer (the request never completed at the gateway); 'deliver-then-hang': hand the SMS to
   * the phone, then never answer (the sender can't know it went).
   */
  behave: (req: GatewayRequest, n: number) => 'ok' | 'hang' | 'deliver-then-hang' | { status: number; body?: string; retryAfter?: string } = () => 'ok';
  private server?: Server;
  private readonly hung = new Set<() => void>();
  url = '';

  async start(secret = SECRET): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res, secret));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/sms/send`;
    return this;
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse, secret: string): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const verdict = verifySignature(secret, {
      timestamp: req.headers['x-yinong-timestamp'], signature: req.headers['x-yinong-signature'],
    }, raw, 300);
    if (!verdict.ok) {
      this.badSignatures.push(verdict.reason);
      res.writeHead(401).end(JSON.stringify({ error: verdict.reason }));
      return;
    }
    const body = JSON.parse(raw.toString('utf8')) as GatewayRequest;
    this.requests.push(body);
    const n = this.requests.filter((r) => r.id === body.id).length;
    const how = this.behave(body, n);
    if (how === 'deliver-then-hang' && !this.delivered.has(body.id)) {
      this.delivered.set(body.id, { ...body, gatewayId: `gw-${this.delivered.size + 1}` });
    }
    if (how === 'hang' || how === 'deliver-then-hang') {
      // Hold the request open: the sender dies with it in flight.
      this.hung.add(() => res.destroy());
      return;
    }
    if (how !== 'ok') {
      res.writeHead(how.status, how.retryAfter ? { 'retry-after': how.retryAfter } : {}).end(how.body ?? '{"error":"busy"}');
      return;
    }
    let sms = this.delivered.get(body.id);
    if (!sms) {
      sms = { ...body, gatewayId: `gw-${this.delivered.size + 1}` };
      this.delivered.set(body.id, sms);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: sms.gatewayId }));
  }

  async stop(): Promise<void> {
    for (const release of this.hung) release();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
