import type { Queryable } from '../db/pool.ts';
import type { Conversation, Message } from '../conversations/types.ts';

/** An escalated turn, as escalation needs it to open and route the ticket. */
export interface EscalatedTurn {
  escalationId: string;
  conversation: Conversation;
  reply: Message;
  question: string;
  /** the escalation's own fields as the turn stored them (read from the escalation when not given) */
  escalation?: { category: string; county: string | null; commodity: string | null; reason: string };
  /** the farmer's phone when a 信息员 asked for them (代问) */
  onBehalfOf: string | null;
  /** the 信息员's account id when one asked */
  askedBy: string | null;
}

/**
 * Where a turn hands work to parts it does not know: escalation turns an escalated reply into a routed
 * ticket (inside the turn's transaction), and a message written while an expert holds the conversation goes
 * to that expert. The composition root (src/services.ts) wires them; turns/ and bot/ never import escalation.
 */
export interface TurnHooks {
  /** May return the real expected wait, which the agent writes into the farmer's reply. */
  onEscalated(client: Queryable, e: EscalatedTurn): Promise<{ wait?: string } | void>;
  /** Once per message: a resumed turn may call it again for the same message. */
  onFollowUpToExpert(conversation: Conversation, message: Message): Promise<void>;
  /**
   * The conversation's ticket still with an expert (waiting, or answered and not closed), with what the farmer
   * is told instead of a second ticket for it: `notice` for 转人工 or the same question again, `forwarded` for a
   * follow-up that has joined the ticket.
   */
  ticketWaiting(client: Queryable, conversationId: string): Promise<{ question: string; notice: string; forwarded: string } | undefined>;
}
