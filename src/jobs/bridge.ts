import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { ConversationEvents } from '../conversations/events.ts';
import { toMessage } from '../conversations/store.ts';
import type { Message } from '../conversations/types.ts';
import type { Database } from '../db/pool.ts';
import { dedicatedClient } from './lock.ts';
import type { JobLog } from './scheduler.ts';

/** What the bridge reports to metrics (src/metrics implements it). */
export interface BridgeObserver {
  sent(n: number): void;
  received(outcome: 'delivered' | 'no-subscriber' | 'own' | 'missing' | 'bad'): void;
  connected(up: boolean): void;
}

export interface BridgeOptions {
  db: Database;
  events: ConversationEvents;
  /** Notifications carrying this id are our own (already delivered here) and are skipped. */
  instanceId: string;
  log?: JobLog;
  observer?: BridgeObserver;
  /** Reconnect back-off (ms): doubles from min to max. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/** The NOTIFY channel for a schema: test schemas on one server never hear each other. */
export function channelFor(schema: string): string {
  const name = schema === 'public' ? 'yinong_messages' : `yinong_messages_${schema}`;
  // Channel names are identifiers (63 bytes at most): a long schema name is hashed instead.
  return name.length <= 63 ? name : `yinong_messages_${createHash('sha1').update(schema).digest('hex').slice(0, 16)}`;
}

interface Payload {
  /** message id */
  m: string;
  /** conversation id */
  c: string;
  /** origin instance */
  o: string;
}

const MAX_BATCH = 500;
const PING_MS = 30_000;

/**
 * Cross-instance push over PostgreSQL LISTEN/NOTIFY. Every message published in this process is NOTIFYd
 * (its id, its conversation and this instance); a dedicated LISTEN connection hears the other instances'
 * and, when someone here listens to that conversation, loads the message and re-emits it locally, in order.
 * The listener reconnects with back-off and never throws; a message sent while it was disconnected is not
 * pushed (clients catch up from history on their next reconnect or poll).
 */
export class MessageBridge {
  private readonly channel: string;
  private readonly log: JobLog;
  private client?: pg.Client;
  private stopped = false;
  private untap?: () => void;
  private outbox: string[] = [];
  private sending?: Promise<void>;
  private inbox: Payload[] = [];
  private loading?: Promise<void>;
  private reconnectTimer?: NodeJS.Timeout;
  private pingTimer?: NodeJS.Timeout;
  private backoffMs: number;
  private outage = false;

  constructor(private readonly opts: BridgeOptions) {
    if (opts.db.engine !== 'postgres') throw new Error('the LISTEN/NOTIFY bridge needs a PostgreSQL server (DATABASE_URL)');
    this.channel = channelFor(opts.db.schema);
    this.log = opts.log ?? (() => {});
    this.backoffMs = opts.reconnectMinMs ?? 500;
  }

  get connected(): boolean {
    return Boolean(this.client);
  }

  /** Tap the local events and connect the listener (a failed first connection is retried in the background). */
  async start(): Promise<void> {
    this.untap = this.opts.events.tap((m, origin) => {
      if (origin === 'local') this.send(m);
    });
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.untap?.();
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    await this.sending?.catch(() => {});
    await this.loading?.catch(() => {});
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  // ---- sending: one statement at a time, so notifications leave in publish order ----

  private send(m: Message): void {
    if (this.stopped) return;
    this.outbox.push(JSON.stringify({ m: m.id, c: m.conversationId, o: this.opts.instanceId } satisfies Payload));
    if (!this.sending) this.sending = this.drain().finally(() => (this.sending = undefined));
  }

  private async drain(): Promise<void> {
    while (this.outbox.length) {
      const batch = this.outbox.splice(0, MAX_BATCH);
      try {
        await this.opts.db.pool.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [this.channel, batch]);
        this.opts.observer?.sent(batch.length);
      } catch (err) {
        // Those messages are stored; only their push to other instances is lost (clients catch up from history).
        this.log('warn', { err, dropped: batch.length }, 'cross-instance notify failed');
      }
    }
  }

  // ---- listening ----

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let client: pg.Client | undefined;
    try {
      client = await dedicatedClient(this.opts.db, 'yinong-listen');
      client.on('notification', (n) => {
        if (n.channel === this.channel && n.payload) this.receive(n.payload);
      });
      const lost = (err?: Error) => this.lost(client!, err);
      client.on('error', lost);
      client.on('end', () => lost());
      // The channel name is built from a checked schema name (and a hash): never input.
      await client.query(`LISTEN "${this.channel}"`);
      if (this.stopped) {
        await client.end().catch(() => {});
        return;
      }
      this.client = client;
      this.backoffMs = this.opts.reconnectMinMs ?? 500;
      this.opts.observer?.connected(true);
      if (this.outage) this.log('info', { channel: this.channel }, 'cross-instance listener reconnected');
      this.outage = false;
      clearInterval(this.pingTimer);
      // A half-open TCP connection is only noticed when something is sent on it.
      this.pingTimer = setInterval(() => void client!.query('SELECT 1').catch((err: Error) => this.lost(client!, err)), PING_MS);
      this.pingTimer.unref();
    } catch (err) {
      await client?.end().catch(() => {});
      this.lost(client, err as Error);
    }
  }

  private lost(client: pg.Client | undefined, err?: Error): void {
    if (this.stopped) return;
    if (client && this.client && client !== this.client) return; // an old connection's late event
    if (this.client === client) this.client = undefined;
    clearInterval(this.pingTimer);
    client?.end().catch(() => {});
    this.opts.observer?.connected(false);
    if (!this.outage) this.log('warn', { err, retryMs: this.backoffMs }, 'cross-instance listener lost its connection; reconnecting');
    this.outage = true;
    if (this.reconnectTimer) return;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.reconnectMaxMs ?? 30_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, wait);
    this.reconnectTimer.unref();
  }

  private receive(raw: string): void {
    let p: Payload;
    try {
      p = JSON.parse(raw);
      if (typeof p.m !== 'string' || !/^\d+$/.test(p.m) || typeof p.c !== 'string') throw new Error('bad payload');
    } catch {
      this.opts.observer?.received('bad');
      return;
    }
    if (p.o === this.opts.instanceId) return this.opts.observer?.received('own');
    if (!this.opts.events.hasSubscribers(p.c)) return this.opts.observer?.received('no-subscriber');
    this.inbox.push(p);
    if (!this.loading) this.loading = this.load().finally(() => (this.loading = undefined));
  }

  /** Load what arrived, a batch per query, and re-emit it in id order. */
  private async load(): Promise<void> {
    while (this.inbox.length && !this.stopped) {
      const batch = this.inbox.splice(0, MAX_BATCH);
      try {
        // Publishers announce after their transaction commits (afterCommit), so every row is there to load.
        const found = await this.fetch(batch.map((p) => p.m));
        for (const p of batch) {
          const m = found.get(p.m);
          if (!m) {
            this.opts.observer?.received('missing');
            continue;
          }
          this.opts.observer?.received('delivered');
          this.opts.events.publishRemote(m);
        }
      } catch (err) {
        this.log('warn', { err, lost: batch.length }, 'loading messages from other instances failed');
      }
    }
  }

  private async fetch(ids: string[]): Promise<Map<string, Message>> {
    const { rows } = await this.opts.db.pool.query('SELECT * FROM messages WHERE id = ANY($1::bigint[]) ORDER BY id', [ids]);
    return new Map(rows.map((r) => [String(r.id), toMessage(r)]));
  }
}

/**
 * Start the bridge when it can work (a PostgreSQL server, INSTANCE_NOTIFY on); otherwise a no-op, since one
 * process (the embedded PGlite) has every socket already.
 */
export async function startMessageBridge(opts: BridgeOptions & { enabled: boolean }): Promise<{ stop(): Promise<void>; bridge?: MessageBridge }> {
  if (!opts.enabled || opts.db.engine !== 'postgres') return { stop: async () => {} };
  const bridge = new MessageBridge(opts);
  await bridge.start();
  return { bridge, stop: () => bridge.stop() };
}
