import type { FastifyInstance } from 'fastify';
import type WebSocket from 'ws';
import type { RawData } from 'ws';
import { messagesAfter } from '../../conversations/store.ts';
import type { Conversation, Message } from '../../conversations/types.ts';
import { canSeeFarmer, farmerOutOfScope, recordScopeOf } from '../../conversations/scope.ts';
import { AppError } from '../../errors.ts';
import { farmerHistory, toWireAll } from './history.ts';
import type { ChatHub, HubMember } from './hub.ts';
import { Outbound } from './outbound.ts';
import { parseFrame, toWire, type ClientFrame, type ErrorCode, type ServerFrame } from './protocol.ts';
import { rateLimitedMessage, TokenBucket } from './rate-limit.ts';
import {
  ChatError, identify, maskPhone, openThread, type Thread,
} from './thread.ts';

/** Messages sent on (re)connect at most; `hasMore` tells the page to reconnect for the rest. */
export const RESUME_LIMIT = 500;
/** A socket that never says hello is closed after this, or two heartbeats if they are shorter. */
const HELLO_TIMEOUT_MS = 15_000;
/** "Typing…" is shown only for answers slower than this: most come sooner, and two frames fewer per turn. */
const TYPING_DELAY_MS = 300;
/** Farmers' conversations an officer watches live after asking for them (代问). */
const MAX_WATCHED = 20;

export const CLOSE = {
  noHello: 4000,
  invalidToken: 4001,
  forbidden: 4003,
  flooding: 4008,
} as const;

/**
 * One open /ws/chat socket: hello → welcome with what was missed, then the farmer's (or officer's) turns
 * one at a time, and every message of the conversation as it is stored, whoever wrote it.
 */
export class ChatConnection implements HubMember {
  private thread?: Thread;
  private hello: 'waiting' | 'pending' | 'done' = 'waiting';
  private readonly messageBudget: TokenBucket;
  /** every frame, junk included: a flood of anything closes the socket */
  private readonly frameBudget: TokenBucket;
  private readonly watching = new Map<string, () => void>();
  /** client ids of turns in progress → whether the ack went out */
  private readonly inflight = new Map<string, boolean>();
  private turns: Promise<void> = Promise.resolve();
  private readonly out: Outbound;
  private alive = true;
  /** set once we close or the peer is gone: later frames are ignored, nothing more is subscribed */
  private ended = false;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    private readonly app: FastifyInstance,
    private readonly hub: ChatHub,
    private readonly socket: WebSocket,
    private readonly ip: string,
  ) {
    this.out = new Outbound(socket, app.log);
    const perMinute = app.config.WEBCHAT_RATE_PER_CONNECTION;
    this.messageBudget = new TokenBucket(perMinute);
    this.frameBudget = new TokenBucket(Math.max(60, perMinute * 3));
    // Handlers are attached before any await, so no frame is missed.
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('pong', () => (this.alive = true));
    socket.on('close', () => this.cleanUp());
    socket.on('error', (err) => app.log.debug({ err }, 'webchat socket error'));
    this.helloTimer = setTimeout(() => {
      if (this.hello === 'waiting') this.close(CLOSE.noHello, 'hello expected');
    }, Math.min(HELLO_TIMEOUT_MS, 2000 * app.config.WEBCHAT_HEARTBEAT_SECONDS));
    hub.members.add(this);
  }

  heartbeat(): void {
    if (!this.alive) {
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.socket.ping();
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.ended) return;
    this.alive = true;
    if (!this.frameBudget.take()) {
      this.sendError('rate_limited', '发送太频繁，连接已断开，请稍后刷新页面再试');
      this.close(CLOSE.flooding, 'too many frames');
      return;
    }
    const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (bytes > this.app.config.WEBCHAT_MAX_FRAME_BYTES) {
      this.sendError('too_large', `消息太长了（超过 ${this.app.config.WEBCHAT_MAX_FRAME_BYTES} 字节），请分几次发`);
      return;
    }
    if (isBinary) {
      this.sendError('invalid_frame', '只接受文字（JSON）消息');
      return;
    }
    const parsed = parseFrame(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
    if (!parsed.ok) {
      this.sendError(parsed.code, parsed.message);
      return;
    }
    this.dispatch(parsed.frame);
  }

  private dispatch(frame: ClientFrame): void {
    if (frame.type === 'ping') {
      this.send({ type: 'pong', ...(frame.t !== undefined ? { t: frame.t } : {}) });
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
          this.send({ type: 'error', code: 'rate_limited', message: rateLimitedMessage(limited), clientId: frame.clientId, retryAfterMs: limited });
          return;
        }
        this.enqueue(() => this.onMessage(frame));
        return;
      }
      case 'history':
        this.enqueue(() => this.onHistory(frame.phone));
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
      await this.welcome(frame);
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

  private async welcome(frame: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
    const principal = await identify(this.app, frame.token);
    const thread = await openThread(this.app, frame.deviceId, principal);
    this.thread = thread;
    // Subscribe before reading what was missed, and hold live messages back until the welcome is out:
    // nothing stored in between is lost, nothing is sent twice.
    let held: Message[] | undefined = [];
    this.watch(thread.conversation.id, undefined, (m) => (held ? held.push(m) : this.deliver(m)));
    const missed = await messagesAfter(this.app.db.pool, thread.conversation.id, frame.lastSeenId ?? '0', RESUME_LIMIT);
    this.send({
      type: 'welcome',
      conversationId: thread.conversation.id,
      role: thread.role,
      ...(principal ? { name: principal.name } : {}),
      messages: await toWireAll(this.app.db.pool, missed),
      hasMore: missed.length === RESUME_LIMIT,
    });
    const sent = new Set(missed.map((m) => m.id));
    const late = held;
    held = undefined;
    for (const m of late) if (!sent.has(m.id)) this.deliver(m);
    this.hello = 'done';
  }

  private async onMessage(frame: Extract<ClientFrame, { type: 'message' }>): Promise<void> {
    const thread = this.thread;
    if (!thread) return; // hello failed; its error went out already
    let phone: string | undefined;
    const followFarmer = (conversation: Conversation, farmerPhone: string | undefined) => {
      phone = farmerPhone;
      if (farmerPhone && !this.watching.has(conversation.id)) this.watch(conversation.id, farmerPhone);
    };
    this.inflight.set(frame.clientId, false);
    let typing = false;
    const typingTimer = setTimeout(() => {
      typing = true;
      this.send({ type: 'typing', active: true });
    }, TYPING_DELAY_MS);
    try {
      const outcome = await this.app.turns.receive(this.hub.channel, {
        thread, text: frame.text, channelMessageId: frame.clientId, onConversation: followFarmer,
      });
      if (!this.inflight.get(frame.clientId)) this.ack(frame.clientId, outcome.inbound, outcome.duplicate);
      if (outcome.duplicate) {
        // Nothing was published for a resend: send what was stored the first time (the page drops copies).
        const wire = await toWireAll(this.app.db.pool, [outcome.inbound, ...outcome.replies], { onBehalfOf: phone });
        for (const w of wire) this.send({ type: 'message', ...w });
      }
      if (phone) this.app.log.info({ farmer: maskPhone(phone), officer: thread.principal?.name }, 'webchat 代问');
    } catch (err) {
      if (err instanceof AppError && err.statusCode < 500) {
        // A refusal the officer can act on (a farmer outside their scope): said as it is, nothing was stored.
        this.send({ type: 'error', code: 'forbidden', message: err.message, clientId: frame.clientId });
        return;
      }
      this.app.log.error({ err }, 'webchat turn failed');
      this.send({ type: 'error', code: 'internal', message: '这条消息没处理成功，请稍后重发', clientId: frame.clientId });
    } finally {
      clearTimeout(typingTimer);
      this.inflight.delete(frame.clientId);
      if (typing) this.send({ type: 'typing', active: false });
    }
  }

  private async onHistory(phone: string): Promise<void> {
    if (this.thread?.role !== 'officer') {
      this.sendError('forbidden', '只有信息员登录后才能查看农户记录');
      return;
    }
    const normalized = phone.replace(/^\+?86/, '');
    if (!(await canSeeFarmer(this.app.db.pool, recordScopeOf(this.thread.principal), normalized))) {
      this.sendError('forbidden', farmerOutOfScope().message);
      return;
    }
    const messages = await farmerHistory(this.app.db.pool, normalized);
    this.send({ type: 'history', phone: normalized, messages });
  }

  /** Follow a conversation's new messages while the socket is open. */
  private watch(conversationId: string, onBehalfOf?: string, listener?: (m: Message) => void): void {
    if (this.ended) return; // the socket closed while a hello or a turn was on its way
    if (onBehalfOf && this.watching.size > MAX_WATCHED) {
      // Forget the farmer asked for longest ago (the map keeps insertion order; our own thread is first).
      const [oldest, stop] = [...this.watching][1];
      stop();
      this.watching.delete(oldest);
    }
    const stop = this.app.events.subscribe(conversationId, listener ?? ((m) => this.deliver(m, onBehalfOf)));
    this.watching.set(conversationId, stop);
  }

  private deliver(m: Message, onBehalfOf?: string): void {
    // The echo of this socket's own message: acknowledge it first, so the page stops showing "sending".
    if (m.channelMessageId && this.inflight.get(m.channelMessageId) === false && (m.author === 'farmer' || m.author === 'officer')) {
      this.ack(m.channelMessageId, m, false);
    }
    if (m.escalated) {
      // The ticket id needs a query; the outbound queue keeps frames in order meanwhile.
      this.out.later(async () => {
        const [w] = await toWireAll(this.app.db.pool, [m], { onBehalfOf });
        return { type: 'message', ...w };
      });
      return;
    }
    this.send({ type: 'message', ...toWire(m, { onBehalfOf }) });
  }

  private ack(clientId: string, inbound: Message, duplicate: boolean): void {
    this.inflight.set(clientId, true);
    this.send({ type: 'ack', clientId, messageId: inbound.id, conversationId: inbound.conversationId, duplicate });
  }

  private sendError(code: ErrorCode, message: string): void {
    this.send({ type: 'error', code, message });
  }

  private send(frame: ServerFrame): void {
    this.out.send(frame);
  }

  private close(code: number, reason: string): void {
    this.ended = true;
    this.out.close(code, reason);
  }

  private cleanUp(): void {
    this.ended = true;
    clearTimeout(this.helloTimer);
    for (const stop of this.watching.values()) stop();
    this.watching.clear();
    this.hub.members.delete(this);
  }
}
