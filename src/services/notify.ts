import type { Queryable } from '../db/pool.ts';
import { postMessage, type Sender, type Sent } from '../conversations/post.ts';
import { getConversation } from '../conversations/store.ts';
import type { Message } from '../conversations/types.ts';

export interface FarmerNotice {
  /** the conversation the farmer asked in: told there (web-chat live, SMS through the outbox) */
  conversationId: string | null;
  phone: string;
  text: string;
}

export interface Told {
  /** stored in the farmer's conversation (the outbox announces it once it commits) */
  message?: Message;
  sms: string[];
  /** why no SMS could be queued; the message, if any, is still in the conversation */
  smsError?: string;
}

/**
 * What the station services need of the outbox (src/turns/outbox.ts, which fits it as it is): a notice in a
 * conversation, and a text to a bare phone. Declared here so that the services, which the agent's station
 * skills call, never import the turn pipeline above them.
 */
export interface FarmerOutbox extends Sender {
  textPhone(q: Queryable, phone: string, text: string): Promise<Sent>;
}

/**
 * Tell a farmer about their order or training on their own channel, inside the caller's transaction: in the
 * conversation they asked in (the same path an expert's answer takes), or by SMS when they asked through an
 * officer or the API and have no conversation of their own.
 */
export async function tellFarmer(q: Queryable, outbox: FarmerOutbox, notice: FarmerNotice): Promise<Told> {
  const conversation = notice.conversationId ? await getConversation(q, notice.conversationId) : undefined;
  if (conversation) {
    return postMessage(q, outbox, conversation, { author: 'system', authorId: null, text: notice.text, kind: 'notice', copyTo: null });
  }
  const receipt = await outbox.textPhone(q, notice.phone, notice.text);
  return { sms: receipt.sms ?? [], ...(receipt.error ? { smsError: receipt.error } : {}) };
}
