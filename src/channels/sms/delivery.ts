import { publishAfterCommit, type ConversationEvents } from '../../conversations/events.ts';
import type { Queryable } from '../../db/pool.ts';
import type { Delivery, Outgoing, Receipt } from '../../turns/outbox.ts';
import { enqueueOutgoing, SmsInputError, type SmsKind } from './outbox.ts';
import { smsReply } from './render.ts';

const KIND: Record<Outgoing['kind'], SmsKind> = { reply: 'reply', expert: 'expert', notice: 'notify' };

/**
 * SMS: the message is queued in the SMS outbox inside the caller's transaction (the worker sends it after
 * commit, paged within SMS_BUDGET_SEGMENTS, the rest kept for "1"). It serves SMS conversations, and any
 * message with a copy for a phone (the farmer of a 代问 gets an expert's answer by SMS whatever the channel).
 */
export function smsDelivery(events: ConversationEvents, budgetSegments: number): Delivery {
  const queue = async (q: Queryable, to: string, out: Outgoing): Promise<Receipt> => {
    try {
      const sms = await enqueueOutgoing(q, {
        to, text: out.text ?? out.message.text, kind: KIND[out.kind], conversationId: out.conversation.id, messageId: out.message.id,
      }, { bypassOptOut: out.bypassOptOut });
      return { delivery: 'sms', sms };
    } catch (err) {
      // A phone the gateway cannot take: the message stays in the conversation, the caller is told why.
      if (!(err instanceof SmsInputError)) throw err;
      return { delivery: 'sms', sms: [], error: err.message };
    }
  };
  return {
    name: 'sms',
    serves: (out) => out.conversation.channel === 'sms' || Boolean(out.copyTo),
    async deliver(q, out) {
      const own = out.conversation.channel === 'sms' ? out.conversation.farmerPhone : null;
      if (own) publishAfterCommit(events, q, out.message);
      const to = own ?? out.copyTo;
      if (!to || !(out.text ?? out.message.text).trim()) return { delivery: 'sms', sms: [] };
      return queue(q, to, out);
    },
    render: (conversation, reply) => (conversation.channel === 'sms' ? smsReply(reply, budgetSegments) : undefined),
    async textPhone(q, phone, text) {
      try {
        return { delivery: 'sms', sms: await enqueueOutgoing(q, { to: phone, text, kind: 'notify' }) };
      } catch (err) {
        if (!(err instanceof SmsInputError)) throw err;
        return { delivery: 'sms', sms: [], error: err.message };
      }
    },
  };
}
