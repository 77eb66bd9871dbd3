import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from '@botpress/sdk';

// A stand-in for the Botpress Cloud, as far as this integration meets it: the chat API endpoints the
// integration's client calls (users, conversations, messages, states, events), answering in Botpress's JSON
// shapes and error format, and the webhook relay (webhook.botpress.cloud) that hands a request to the
// integration as a `webhook_received` operation. It keeps what it got so tests can assert on it.

export interface Recorded {
  method: string;
  path: string;
  body: any;
}

interface Entity {
  id: string;
  tags: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  [k: string]: unknown;
}

type IntegrationHandler = (req: Request) => Promise<Response | void>;

const now = () => new Date().toISOString();

export class BotpressStandIn {
  readonly botId = 'bot-yinong-test';
  readonly botUserId = 'user-bot';
  readonly integrationId = 'intg-yinong';
  readonly webhookId = 'wh-yinong';
  readonly requests: Recorded[] = [];
  readonly users = new Map<string, Entity>();
  readonly conversations = new Map<string, Entity>();
  readonly messages: Entity[] = [];
  readonly events: Entity[] = [];
  readonly states = new Map<string, unknown>();
  /** what the relay passed to the integration and what it answered */
  readonly webhookCalls: { headers: Record<string, string | undefined>; body: string; status: number }[] = [];
  /** the next N relayed webhook requests answer 503, as a Botpress outage would */
  failWebhooks = 0;
  private server?: Server;
  url = '';

  constructor(private readonly integration: IntegrationHandler, private readonly configuration: Record<string, unknown>) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.route(req).then(
        ({ status, body }) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
        (err: unknown) => res.writeHead(500).end(JSON.stringify({ message: String(err) })),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  get webhookUrl(): string {
    return `${this.url}/webhook/${this.webhookId}`;
  }

  /** Botpress calling the integration: the headers its runtime sends with every operation. */
  async invoke(operation: string, body: unknown, type?: string): Promise<{ status: number; body: any }> {
    const res = await this.integration({
      method: 'POST', path: '/', query: '',
      headers: {
        'x-bot-id': this.botId, 'x-bot-user-id': this.botUserId, 'x-integration-id': this.integrationId,
        'x-integration-alias': 'yinong', 'x-webhook-id': this.webhookId, 'x-bp-operation': operation,
        ...(type ? { 'x-bp-type': type } : {}),
        'x-bp-configuration': Buffer.from(JSON.stringify(this.configuration)).toString('base64'),
      },
      body: JSON.stringify(body),
    });
    return { status: res?.status ?? 200, body: res?.body ? JSON.parse(res.body) : undefined };
  }

  /** Run an action as a bot (or the HITL plugin) would. */
  async action<T = any>(type: string, input: unknown): Promise<T> {
    const res = await this.invoke('action_triggered', { type, input }, type);
    if (res.status !== 200) throw new Error(`action ${type} failed: ${JSON.stringify(res.body)}`);
    return res.body.output as T;
  }

  messagesIn(conversationId: string): Entity[] {
    return this.messages.filter((m) => m.conversationId === conversationId);
  }

  state(type: string, id: string, name: string): any {
    return this.states.get(`${type}/${id}/${name}`);
  }

  private async route(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path.startsWith('/webhook/')) return this.relay(req, raw, path, url.search);
    const body = raw ? JSON.parse(raw) : undefined;
    this.requests.push({ method, path, body });
    if (req.headers.authorization !== `Bearer ${process.env.BP_TOKEN}` || req.headers['x-bot-id'] !== this.botId) {
      return { status: 401, body: apiError(401, 'Unauthorized', 'bad token or bot id') };
    }
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/chat/users/get-or-create') {
      return { status: 200, body: { user: this.getOrCreate(this.users, body.tags, { name: body.name, pictureUrl: body.pictureUrl }) } };
    }
    if (method === 'GET' && (m = /^\/v1\/chat\/users\/([^/]+)$/.exec(path))) {
      const user = this.users.get(decodeURIComponent(m[1]));
      return user ? { status: 200, body: { user } } : { status: 404, body: apiError(404, 'ResourceNotFound', 'no such user') };
    }
    if (method === 'POST' && path === '/v1/chat/conversations/get-or-create') {
      return { status: 200, body: { conversation: this.getOrCreate(this.conversations, body.tags, { channel: body.channel, integration: 'yinong-assistant' }) } };
    }
    if (method === 'POST' && path === '/v1/chat/messages') {
      return { status: 200, body: { message: this.addMessage(body) } };
    }
    if (method === 'POST' && path === '/v1/chat/messages/get-or-create') {
      const keys: string[] = body.discriminateByTags ?? Object.keys(body.tags);
      const found = this.messages.find((x) => x.conversationId === body.conversationId && keys.every((k) => x.tags[k] === body.tags[k]));
      return { status: 200, body: { message: found ?? this.addMessage(body) } };
    }
    if ((m = /^\/v1\/chat\/states\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path))) {
      const key = [m[1], m[2], m[3]].map(decodeURIComponent).join('/');
      if (method === 'GET') {
        if (!this.states.has(key)) return { status: 404, body: apiError(404, 'ResourceNotFound', `no state ${key}`) };
        return { status: 200, body: { state: stateOf(key, this.states.get(key)) } };
      }
      if (method === 'POST') {
        this.states.set(key, body.payload);
        return { status: 200, body: { state: stateOf(key, body.payload) } };
      }
    }
    if (method === 'POST' && path === '/v1/chat/events') {
      const event = { id: `evt_${randomUUID()}`, tags: {}, createdAt: now(), updatedAt: now(), status: 'pending', ...body };
      this.events.push(event);
      return { status: 200, body: { event } };
    }
    return { status: 404, body: apiError(404, 'ResourceNotFound', `${method} ${path} is not part of this stand-in`) };
  }

  /** webhook.botpress.cloud: the request as it came, handed to the integration's webhook handler. */
  private async relay(req: IncomingMessage, raw: string, path: string, search: string): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v[0] : v;
    if (this.failWebhooks > 0) {
      this.failWebhooks--;
      this.webhookCalls.push({ headers, body: raw, status: 503 });
      return { status: 503, body: { message: 'temporarily unavailable' } };
    }
    const res = await this.invoke('webhook_received', {
      req: { body: raw, path: path.replace(/^\/webhook\/[^/]+/, '') || '/', query: search.replace(/^\?/, ''), method: req.method, headers },
    });
    this.webhookCalls.push({ headers, body: raw, status: res.status });
    return { status: res.status, body: res.body ?? {} };
  }

  private getOrCreate(store: Map<string, Entity>, tags: Record<string, string>, extra: Record<string, unknown>): Entity {
    const keys = Object.keys(tags ?? {});
    const found = [...store.values()].find((e) => keys.length > 0 && keys.every((k) => e.tags[k] === tags[k]));
    if (found) return found;
    const entity: Entity = { id: `${store === this.users ? 'user' : 'conv'}_${randomUUID()}`, tags: tags ?? {}, createdAt: now(), updatedAt: now(), ...extra };
    store.set(entity.id, entity);
    return entity;
  }

  private addMessage(body: any): Entity {
    const message: Entity = {
      id: `msg_${randomUUID()}`, tags: body.tags ?? {}, createdAt: now(), updatedAt: now(), direction: 'outgoing',
      type: body.type, payload: body.payload, userId: body.userId, conversationId: body.conversationId,
    };
    this.messages.push(message);
    return message;
  }
}

function apiError(code: number, type: string, message: string) {
  return { id: `err_${randomUUID()}`, code, type, message };
}

function stateOf(key: string, payload: unknown) {
  const [type, id, name] = key.split('/');
  return { id: `state_${key}`, type, name, botId: 'bot-yinong-test', [`${type}Id`]: id, payload, createdAt: now(), updatedAt: now() };
}
