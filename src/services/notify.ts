import type { Queryable } from '../db/pool.ts';
import { getConversation } from '../conversations/store.ts';
import type { Message } from '../conversations/types.ts';
import { deliverToFarmer } from '../escalation/delivery.ts';
import type { Outbox } from '../turns/outbox.ts';

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
 * Tell a farmer about their order or training on their own channel, inside the caller's transaction: in the
 * conversation they asked in (the same path an expert's answer takes), or by SMS when they asked through an
 * officer or the API and have no conversation of their own.
 */
export async function tellFarmer(q: Queryable, outbox: Outbox, notice: FarmerNotice): Promise<Told> {
  const conversation = notice.conversationId ? await getConversation(q, notice.conversationId) : undefined;
  if (conversation) {
    const { message, delivery } = await deliverToFarmer(q, outbox, conversation, {
      text: notice.text, authorId: null, category: '益农信息社', author: 'system', sms: true,
    });
    return { message, sms: delivery.sms, smsError: delivery.smsError };
  }
  const receipt = await outbox.textPhone(q, notice.phone, notice.text);
  return { sms: receipt.sms ?? [], ...(receipt.error ? { smsError: receipt.error } : {}) };
}
