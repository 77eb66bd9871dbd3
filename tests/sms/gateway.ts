import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/webhooks/signature.ts';

/** The webhook secret the test gateway and the test apps share. */
export const SECRET = 'sms-test-secret-0123456789abcdef';

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

  private async handle(req: IncomingMessage, res: ServerResponse, secret: string): Promise<void> {
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
