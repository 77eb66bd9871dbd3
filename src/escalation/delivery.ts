import type { Queryable } from '../db/pool.ts';
import { postMessage } from '../conversations/post.ts';
import type { Conversation, Message } from '../conversations/types.ts';
import type { Outbox } from '../turns/outbox.ts';

export interface Delivery {
  /** where the farmer gets it: live in the conversation (web, API), or by SMS too */
  channel: Conversation['channel'];
  sms: string[];
  /** why no SMS could be queued (a phone the gateway cannot take); the message is still in the conversation */
  smsError?: string;
}

/**
 * Put an expert's answer (or the system's notice) in the farmer's conversation and hand it to the outbox,
 * inside the caller's transaction: web and API clients hear it once it commits, an SMS farmer gets it paged
 * within the SMS budget, and a farmer an officer asked for (代问) gets an SMS copy while the officer reads it
 * in the officer's conversation.
 */
export async function deliverToFarmer(
  q: Queryable,
  outbox: Outbox,
  conversation: Conversation,
  answer: {
    text: string; authorId: string | null; category: string; author: 'expert' | 'system'; sms: boolean;
    /** the farmer a 信息员 asked for (代问), who gets the answer by SMS whatever the officer's channel */
    onBehalfOf?: string | null;
  },
): Promise<{ message: Message; delivery: Delivery }> {
  const expert = answer.author === 'expert';
  const { message, sms, smsError } = await postMessage(q, outbox, conversation, {
    author: answer.author, authorId: answer.authorId, text: answer.text, kind: expert ? 'expert' : 'notice',
    // The heading says who answers; the stored message has the author already.
    sent: expert ? `【${answer.category}专家答复】${answer.text}` : answer.text,
    copyTo: answer.sms && conversation.channel !== 'sms' ? answer.onBehalfOf : null,
  });
  return { message, delivery: { channel: conversation.channel, sms, ...(smsError ? { smsError } : {}) } };
}
