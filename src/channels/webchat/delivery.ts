import { publishAfterCommit, type ConversationEvents } from '../../conversations/events.ts';
import type { Delivery } from '../../turns/outbox.ts';

/**
 * Web chat: a message reaches the page through the conversation's events, which the page's socket (or its
 * long poll) follows, and which the LISTEN/NOTIFY bridge carries to sockets held by other instances.
 */
export function webchatDelivery(events: ConversationEvents): Delivery {
  return {
    name: 'webchat',
    serves: (out) => out.conversation.channel === 'web',
    async deliver(q, out) {
      publishAfterCommit(events, q, out.message);
      return { delivery: 'webchat' };
    },
  };
}
