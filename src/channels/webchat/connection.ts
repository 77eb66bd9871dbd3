import type { FastifyInstance } from 'fastify';
import type WebSocket from 'ws';
import type { RawData } from 'ws';
import { readFrame } from './frames.ts';
import { helloTimeoutMs, Liveness } from './heartbeat.ts';
import type { ChatHub, HubMember } from './hub.ts';
import { Outbound } from './outbound.ts';
import type { ClientFrame, ErrorCode } from './protocol.ts';
import { rateLimitedMessage, TokenBucket } from './rate-limit.ts';
import { ChatSession } from './session.ts';
import { ChatError } from './thread.ts';

export const CLOSE = {
  noHello: 4000,
  invalidToken: 4001,
  forbidden: 4003,
  flooding: 4008,
} as const;

/**
 * One open /ws/chat socket: frames in (checked, rate-limited, hello first), the session's work run one at a
 * time, and the socket closed with a code the page understands. What the socket is in the conversation is
 * the session's (src/channels/webchat/session.ts).
 */
export class ChatConnection implements HubMember {
  private hello: 'waiting' | 'pending' | 'done' = 'waiting';
  private readonly messageBudget: TokenBucket;
  /** every frame, junk included: a flood of anything closes the socket */
  private readonly frameBudget: TokenBucket;
  private turns: Promise<void> = Promise.resolve();
  private readonly out: Outbound;
  private readonly session: ChatSession;
  private readonly liveness: Liveness;
  /** set once we close or the peer is gone: later frames are ignored, nothing more is subscribed */
  private ended = false;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    private readonly app: FastifyInstance,
    private readonly hub: ChatHub,
    socket: WebSocket,
    private readonly ip: string,
  ) {
    this.out = new Outbound(socket, app.log);
    this.session = new ChatSession(app, hub, this.out);
    this.liveness = new Liveness(socket);
    const perMinute = app.config.WEBCHAT_RATE_PER_CONNECTION;
    this.messageBudget = new TokenBucket(perMinute);
    this.frameBudget = new TokenBucket(Math.max(60, perMinute * 3));
    // Handlers are attached before any await, so no frame is missed.
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('pong', () => this.liveness.seen());
    socket.on('close', () => this.cleanUp());
    socket.on('error', (err) => app.log.debug({ err }, 'webchat socket error'));
    this.helloTimer = setTimeout(() => {
      if (this.hello === 'waiting') this.close(CLOSE.noHello, 'hello expected');
    }, helloTimeoutMs(app.config.WEBCHAT_HEARTBEAT_SECONDS));
    hub.members.add(this);
  }

  heartbeat(): void {
    this.liveness.beat();
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.ended) return;
    this.liveness.seen();
    if (!this.frameBudget.take()) {
      this.sendError('rate_limited', '发送太频繁，连接已断开，请稍后刷新页面再试');
      this.close(CLOSE.flooding, 'too many frames');
      return;
    }
    const parsed = readFrame(data, isBinary, this.app.config.WEBCHAT_MAX_FRAME_BYTES);
    if (!parsed.ok) {
      this.sendError(parsed.code, parsed.message);
      return;
    }
    this.dispatch(parsed.frame);
  }

  private dispatch(frame: ClientFrame): void {
    if (frame.type === 'ping') {
      this.out.send({ type: 'pong', ...(frame.t !== undefined ? { t: frame.t } : {}) });
      return;
    }
    if (frame.type === 'hello') {
      if (this.hello !== 'waiting') {
        this.sendError('invalid_frame', '已经连接上了，不用再发 hello');
        return;
      }
      this.hello = 'pending';
      this.enqueue(() => this.onHello(frame));
      return;
    }
    if (this.hello === 'waiting') {
      this.sendError('hello_first', '请先发送 hello（连接还没准备好）');
      return;
    }
    switch (frame.type) {
      case 'typing':
        return; // reserved: the expert console may show it later
      case 'message': {
        const limited = this.limited();
        if (limited) {
          this.out.send({ type: 'error', code: 'rate_limited', message: rateLimitedMessage(limited), clientId: frame.clientId, retryAfterMs: limited });
          return;
        }
        this.enqueue(() => this.session.message(frame));
        return;
      }
      case 'history':
        this.enqueue(() => this.session.history(frame));
        return;
    }
  }

  /** 0 when the message may go ahead, else how long to wait. */
  private limited(): number {
    if (!this.messageBudget.take()) return this.messageBudget.retryAfterMs();
    const ip = this.hub.perIp.bucket(this.ip);
    if (!ip.take()) return ip.retryAfterMs();
    return 0;
  }

  /** Turns run one at a time per socket, so replies come in the order the questions were asked. */
  private enqueue(work: () => Promise<void>): void {
    this.turns = this.turns.then(work).catch((err: unknown) => {
      if (err instanceof ChatError) {
        this.sendError(err.code, err.message);
        return;
      }
      this.app.log.error({ err }, 'webchat frame failed');
      this.sendError('internal', '服务器出了点问题，请稍后再试');
    });
  }

  private async onHello(frame: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
    clearTimeout(this.helloTimer);
    try {
      await this.session.welcome(frame);
      this.hello = 'done';
    } catch (err) {
      if (err instanceof ChatError && (err.code === 'invalid_token' || err.code === 'forbidden')) {
        this.sendError(err.code, err.message);
        this.close(err.code === 'invalid_token' ? CLOSE.invalidToken : CLOSE.forbidden, err.code === 'invalid_token' ? 'invalid token' : 'role not allowed');
        return;
      }
      // Without a thread the socket is of no use: the page reconnects and tries again.
      this.app.log.error({ err }, 'webchat hello failed');
      this.sendError('internal', '暂时连不上服务，正在重试');
      this.close(1011, 'hello failed');
    }
  }

  private sendError(code: ErrorCode, message: string): void {
    this.out.send({ type: 'error', code, message });
  }

  private close(code: number, reason: string): void {
    this.ended = true;
    this.session.closing();
    this.out.close(code, reason);
  }

  private cleanUp(): void {
    this.ended = true;
    clearTimeout(this.helloTimer);
    this.session.end();
    this.hub.members.delete(this);
  }
}
