import type { FastifyInstance } from 'fastify';
import type { ChannelAdapter } from '../../turns/index.ts';
import { KeyedLimiter } from './rate-limit.ts';
import { webchatChannel, type WebTurn } from './thread.ts';

/** What every open chat needs to share: its heartbeat and the limits that span connections. */
export interface HubMember {
  /** Called each heartbeat: ping, or close when the last ping went unanswered. */
  heartbeat(): void;
}

export class ChatHub {
  readonly perIp: KeyedLimiter;
  /** The HTTP fallback has no connection: its per-connection limit is kept per device instead. */
  readonly perDevice: KeyedLimiter;
  readonly members = new Set<HubMember>();
  /** the web chat as the turn pipeline sees it, for the socket and the HTTP fallback alike */
  readonly channel: ChannelAdapter<WebTurn>;
  /** Aborted when the server stops: long polls return at once instead of holding the close up. */
  readonly closing: AbortSignal;
  private readonly stopping = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly log: FastifyInstance['log'];

  constructor(app: FastifyInstance) {
    const c = app.config;
    this.log = app.log;
    this.perIp = new KeyedLimiter(c.WEBCHAT_RATE_PER_IP);
    this.perDevice = new KeyedLimiter(c.WEBCHAT_RATE_PER_CONNECTION);
    this.closing = this.stopping.signal;
    this.channel = webchatChannel(app.db.pool);
    // One timer for all sockets rather than one each: 2,000 idle phones cost one wake-up per beat.
    this.timer = setInterval(() => this.beat(), c.WEBCHAT_HEARTBEAT_SECONDS * 1000);
    this.timer.unref();
  }

  /**
   * One heartbeat for every open chat. It runs from an interval: a member that throws is logged and the
   * others still get their beat (an exception here would otherwise end the process).
   */
  beat(): void {
    for (const m of this.members) {
      try {
        m.heartbeat();
      } catch (err) {
        this.log.error({ err }, 'a web chat heartbeat failed');
      }
    }
    try {
      this.perIp.prune();
      this.perDevice.prune();
    } catch (err) {
      this.log.error({ err }, 'pruning the web chat rate limits failed');
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.stopping.abort();
  }
}
