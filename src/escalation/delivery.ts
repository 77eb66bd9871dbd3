import type { Queryable } from '../db/pool.ts';
import { enqueueSms, SmsInputError } from '../channels/sms/outbox.ts';
import { insertMessage } from '../conversations/store.ts';
import type { Conversation, Message } from '../conversations/types.ts';
import { queueIntegrationMessage } from '../integrations/outbox.ts';

export interface Delivery {
  /** where the farmer gets it: live in the conversation (web, API), or by SMS too */
  channel: Conversation['channel'];
  sms: string[];
  /** why no SMS could be queued (a phone the gateway cannot take); the message is still in the conversation */
  smsError?: string;
}

/**
 * Put an expert's answer in the farmer's conversation, inside the caller's transaction. The web-chat and
 * API clients get the stored message (published after commit); an SMS farmer gets it through the SMS
 * outbox, which pages it within the SMS budget; a farmer an officer asked for (代问) gets an SMS copy while
 * the officer reads it in the officer's conversation.
 */
export async function deliverToFarmer(
  q: Queryable,
  conversation: Conversation,
  answer: {
    text: string; authorId: string | null; category: string; author: 'expert' | 'system'; sms: boolean;
    /** the farmer a 信息员 asked for (代问), who gets the answer by SMS whatever the officer's channel */
    onBehalfOf?: string | null;
    /** the ticket it answers, for an integration that shows it */
    ticketId?: string | null;
  },
): Promise<{ message: Message; delivery: Delivery }> {
  const { message } = await insertMessage(q, {
    conversationId: conversation.id, author: answer.author, authorId: answer.authorId, text: answer.text,
  });
  const delivery: Delivery = { channel: conversation.channel, sms: [] };
  // A conversation an integration (a Botpress bot) speaks for: the answer goes to its webhook as well.
  await queueIntegrationMessage(q, conversation, message, { ticketId: answer.ticketId, category: answer.category || null });
  const phone = conversation.channel === 'sms' ? conversation.farmerPhone : answer.onBehalfOf;
  if (answer.sms && phone) {
    const text = answer.author === 'expert' ? `【${answer.category}专家答复】${answer.text}` : answer.text;
    try {
      delivery.sms = await enqueueSms(q, {
        to: phone, text, kind: answer.author === 'expert' ? 'expert' : 'reply',
        conversationId: conversation.id, messageId: message.id,
      });
    } catch (err) {
      if (!(err instanceof SmsInputError)) throw err;
      delivery.smsError = err.message;
    }
  }
  return { message, delivery };
}
