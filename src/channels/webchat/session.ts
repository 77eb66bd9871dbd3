import type { FastifyInstance } from 'fastify';
import { messagesAfter } from '../../conversations/store.ts';
import type { Conversation, Message } from '../../conversations/types.ts';
import { AppError } from '../../errors.ts';
import { historyFrame } from './history-frame.ts';
import { toWireAll } from './history.ts';
import type { ChatHub } from './hub.ts';
import type { Outbound } from './outbound.ts';
import { RESUME_LIMIT, toWire, type ClientFrame } from './protocol.ts';
import { identify, maskPhone, openThread, type Thread } from './thread.ts';
import { Watches } from './watches.ts';

/** "Typing…" is shown only for answers slower than this: most come sooner, and two frames fewer per turn. */
const TYPING_DELAY_MS = 300;

type Frame<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;

/**
 * What one socket is in the conversation once it said hello: its thread, the conversations it follows, and
 * its turns with their acks. The connection (src/channels/webchat/connection.ts) reads the frames and runs
 * these one at a time; everything said goes out through its Outbound, in order.
 */
export class ChatSession {
  private thread?: Thread;
  private readonly watches: Watches;
  /** client ids of turns in progress → whether the ack went out */
  private readonly inflight = new Map<string, boolean>();

  constructor(
    private readonly app: FastifyInstance,
    private readonly hub: ChatHub,
    private readonly out: Outbound,
  ) {
    this.watches = new Watches(app.events);
  }

  /** hello → welcome with what was missed; throws a ChatError (invalid_token, forbidden) the connection closes on. */
  async welcome(frame: Frame<'hello'>): Promise<void> {
    const principal = await identify(this.app, frame.token);
    const thread = await openThread(this.app, frame.deviceId, principal);
    this.thread = thread;
    // Subscribe before reading what was missed, and hold live messages back until the welcome is out:
    // nothing stored in between is lost, nothing is sent twice.
    let held: Message[] | undefined = [];
    this.watches.follow(thread.conversation.id, (m) => (held ? held.push(m) : this.deliver(m)));
    const missed = await messagesAfter(this.app.db.pool, thread.conversation.id, frame.lastSeenId ?? '0', RESUME_LIMIT);
    this.out.send({
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
  }

  /** One turn: the farmer's (or the officer's) message through the turn pipeline; the replies arrive as published. */
  async message(frame: Frame<'message'>): Promise<void> {
    const thread = this.thread;
    if (!thread) return; // hello failed; its error went out already
    let phone: string | undefined;
    const followFarmer = (conversation: Conversation, farmerPhone: string | undefined) => {
      phone = farmerPhone;
      if (farmerPhone && !this.watches.has(conversation.id)) {
        this.watches.follow(conversation.id, (m) => this.deliver(m, farmerPhone), true);
      }
    };
    this.inflight.set(frame.clientId, false);
    let typing = false;
    const typingTimer = setTimeout(() => {
      typing = true;
      this.out.send({ type: 'typing', active: true });
    }, TYPING_DELAY_MS);
    try {
      const outcome = await this.app.turns.receive(this.hub.channel, {
        thread, text: frame.text, channelMessageId: frame.clientId, onConversation: followFarmer,
      });
      if (!this.inflight.get(frame.clientId)) this.ack(frame.clientId, outcome.inbound, outcome.duplicate);
      if (outcome.duplicate) {
        // Nothing was published for a resend: send what was stored the first time (the page drops copies).
        const wire = await toWireAll(this.app.db.pool, [outcome.inbound, ...outcome.replies], { onBehalfOf: phone });
        for (const w of wire) this.out.send({ type: 'message', ...w });
      }
      if (phone) this.app.log.info({ farmer: maskPhone(phone), officer: thread.principal?.name }, 'webchat 代问');
    } catch (err) {
      if (err instanceof AppError && err.statusCode < 500) {
        // A refusal the officer can act on (a farmer outside their scope): said as it is, nothing was stored.
        this.out.send({ type: 'error', code: 'forbidden', message: err.message, clientId: frame.clientId });
        return;
      }
      this.app.log.error({ err }, 'webchat turn failed');
      this.out.send({ type: 'error', code: 'internal', message: '这条消息没处理成功，请稍后重发', clientId: frame.clientId });
    } finally {
      clearTimeout(typingTimer);
      this.inflight.delete(frame.clientId);
      if (typing) this.out.send({ type: 'typing', active: false });
    }
  }

  async history(frame: Frame<'history'>): Promise<void> {
    this.out.send(await historyFrame(this.app.db.pool, this.thread, frame.phone));
  }

  /** The socket is closing: follow nothing new. */
  closing(): void {
    this.watches.freeze();
  }

  /** The socket is gone. */
  end(): void {
    this.watches.stopAll();
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
    this.out.send({ type: 'message', ...toWire(m, { onBehalfOf }) });
  }

  private ack(clientId: string, inbound: Message, duplicate: boolean): void {
    this.inflight.set(clientId, true);
    this.out.send({ type: 'ack', clientId, messageId: inbound.id, conversationId: inbound.conversationId, duplicate });
  }
}
