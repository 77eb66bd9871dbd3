import type { Queryable } from '../db/pool.ts';
import { insertMessage } from './store.ts';
import type { Conversation, Message } from './types.ts';

/** What a receipt of the way out tells its writer: SMS outbox rows queued, or why none could be. */
export interface Sent {
  sms?: string[];
  error?: string;
}

/**
 * The part of the outbox (src/turns/outbox.ts) that a message which is no reply needs, declared here by
 * that need so that its writers (escalation, the station services) stay below the turn pipeline; the
 * Outbox fits it as it is.
 */
export interface Sender {
  send(q: Queryable, out: {
    conversation: Conversation; message: Message; kind: 'expert' | 'notice';
    /** the text as it is sent, when it differs from the stored one */
    text?: string;
    /** a phone that gets an SMS copy whatever the conversation's channel */
    copyTo?: string | null;
  }): Promise<readonly Sent[]>;
}

/**
 * Store a message that answers no turn (an expert's answer, a notice) in its conversation and hand it to
 * the outbox, inside the caller's transaction: what is sent leaves once it commits.
 */
export async function postMessage(
  q: Queryable,
  sender: Sender,
  conversation: Conversation,
  m: {
    author: 'expert' | 'system'; authorId: string | null; text: string;
    kind: 'expert' | 'notice'; sent?: string; copyTo?: string | null;
  },
): Promise<{ message: Message; sms: string[]; smsError?: string }> {
  const { message } = await insertMessage(q, { conversationId: conversation.id, author: m.author, authorId: m.authorId, text: m.text });
  const receipts = await sender.send(q, { conversation, message, kind: m.kind, text: m.sent ?? m.text, copyTo: m.copyTo });
  const smsError = receipts.find((r) => r.error)?.error;
  return { message, sms: receipts.flatMap((r) => r.sms ?? []), ...(smsError ? { smsError } : {}) };
}
