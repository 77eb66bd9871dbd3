import { GatewayError, type GatewayMessage, type SmsGateway } from './gateway.ts';
import { signedHeaders } from '../../webhooks/signature.ts';

export interface HttpGatewayOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  window: number;
}

/**
 * The generic HTTP gateway: POST {id, to, text} signed like the webhooks, read {id} back. Our
 * outbox id travels as `id`, and the gateway contract is that a repeated id is the same SMS: that is what
 * makes resending after an interrupted attempt safe (at-least-once to the gateway, once to the phone).
 */
export class HttpGateway implements SmsGateway {
  readonly name = 'http';
  readonly idempotent = true;
  readonly window: number;

  constructor(private readonly opts: HttpGatewayOptions) {
    this.window = opts.window;
  }

  ready(): boolean {
    return true;
  }

  async send(msg: GatewayMessage, signal?: AbortSignal): Promise<{ gatewayIds: string[] }> {
    const body = JSON.stringify({ id: msg.id, to: msg.to, text: msg.text });
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    let res: Response;
    try {
      res = await fetch(this.opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signedHeaders(this.opts.secret, body) },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      const why = timeout.aborted ? `no answer within ${this.opts.timeoutMs} ms` : (err as Error).message;
      throw new GatewayError(`SMS gateway unreachable: ${why}`, false, undefined, { cause: err });
    }
    const text = await res.text().catch(() => '');
    if (res.ok) {
      const id = gatewayId(text);
      // Accepted without the id we need for receipts: ask again; the gateway dedupes on our id.
      if (!id) throw new GatewayError(`SMS gateway answered ${res.status} without an id: ${text.slice(0, 200)}`, false);
      return { gatewayIds: [id] };
    }
    const retryAfter = retryAfterMs(res.headers.get('retry-after'));
    const detail = `SMS gateway answered ${res.status}: ${text.slice(0, 200)}`;
    // 408, 425, 429 and 5xx are the gateway's trouble, not the message's: try again later.
    const transient = res.status >= 500 || [408, 425, 429].includes(res.status);
    throw new GatewayError(detail, !transient, retryAfter);
  }
}

function gatewayId(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { id?: unknown };
    if (typeof body.id === 'string' && body.id) return body.id.slice(0, 200);
    if (typeof body.id === 'number') return String(body.id);
  } catch {
    // not JSON: no id
  }
  return undefined;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
