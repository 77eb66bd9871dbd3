import type { Queryable } from '../db/pool.ts';
import { publishAfterCommit, type ConversationEvents } from '../conversations/events.ts';
import type { Citation, Conversation, Message } from '../conversations/types.ts';
import type { Sent } from '../conversations/post.ts';

/** One stored message on its way to the farmer (or to whoever holds the conversation). */
export interface Outgoing {
  conversation: Conversation;
  message: Message;
  /** a reply to the farmer's turn, an expert's answer, or a notice (代问 copy, hand-back, reminder) */
  kind: 'reply' | 'expert' | 'notice';
  /** the text as it is sent, when it differs from the stored one (an expert's answer under its heading) */
  text?: string;
  /** a phone that gets an SMS copy whatever the conversation's channel (the farmer of a 代问) */
  copyTo?: string | null;
  /** the 退订 confirmation: the one text that still reaches a phone that has just opted out */
  bypassOptOut?: boolean;
}

/** What a delivery did: SMS outbox rows queued, or why none could be (the message stays in the conversation). */
export interface Receipt extends Sent {
  delivery: string;
}

/**
 * One way out of the system (web chat, SMS, the API, an integration's webhook). `deliver` runs inside the
 * caller's transaction: it writes what must be sent and sends nothing before COMMIT (`afterCommit`, or an
 * outbox table a worker drains). It must be idempotent per message: a resumed turn delivers again. A live
 * channel announces the message (`publishAfterCommit`): open sockets and the cross-instance bridge listen.
 */
export interface Delivery {
  readonly name: string;
  /** whether this delivery carries the message (by the conversation's channel, a copy to a phone, …) */
  serves(out: Outgoing): boolean;
  deliver(q: Queryable, out: Outgoing): Promise<Receipt>;
  /** A text to a phone that is no conversation's (an expert's notice); only a delivery that can text has it. */
  textPhone?(q: Queryable, phone: string, text: string): Promise<Receipt>;
  /** How a reply looks in a conversation this delivery serves (SMS: the source in the text, paged). */
  render?(conversation: Conversation, reply: { text: string; citations: Citation[] }): { text: string; more?: string } | undefined;
}

/**
 * Everything that leaves goes through here: the turn's replies, experts' answers, notices. Each delivery
 * registered for the message's channel gets it inside the writer's transaction. Adding a way out is one
 * Delivery file and one `register` call in the composition root (src/services.ts).
 */
export class Outbox {
  private readonly deliveries: Delivery[] = [];

  constructor(private readonly events: ConversationEvents) {}

  register(delivery: Delivery): this {
    if (this.deliveries.some((d) => d.name === delivery.name)) throw new Error(`delivery "${delivery.name}" is registered twice`);
    this.deliveries.push(delivery);
    return this;
  }

  names(): string[] {
    return this.deliveries.map((d) => d.name);
  }

  /** Tell this process's listeners (open sockets, the cross-instance bridge) once the message has committed. */
  announce(q: Queryable, message: Message): void {
    publishAfterCommit(this.events, q, message);
  }

  async send(q: Queryable, out: Outgoing): Promise<Receipt[]> {
    const serving = this.deliveries.filter((d) => d.serves(out));
    if (!serving.length) {
      throw new Error(`no delivery serves ${out.conversation.channel} conversations (registered: ${this.names().join(', ') || 'none'})`);
    }
    const receipts: Receipt[] = [];
    for (const d of serving) receipts.push(await d.deliver(q, out));
    return receipts;
  }

  /** A reply as the conversation's channel shows it; as decided where no delivery renders it. */
  render(conversation: Conversation, reply: { text: string; citations: Citation[] }): { text: string; more?: string } {
    for (const d of this.deliveries) {
      const shown = d.render?.(conversation, reply);
      if (shown) return shown;
    }
    return { text: reply.text };
  }

  /** A text to a bare phone number through the first delivery that can text; a receipt with the error otherwise. */
  async textPhone(q: Queryable, phone: string, text: string): Promise<Receipt> {
    const texting = this.deliveries.find((d) => d.textPhone);
    if (!texting?.textPhone) return { delivery: 'none', error: 'no delivery can send a text message' };
    return texting.textPhone(q, phone, text);
  }
}
