import { publishAfterCommit, type ConversationEvents } from '../../conversations/events.ts';
import type { Delivery } from '../../turns/outbox.ts';

/**
 * The API: a caller gets the turn's replies in the response and later messages (an expert's answer) from
 * GET /api/v1/conversations/:id/messages; the announcement reaches an officer's page that follows a farmer
 * asked for (代问 turns are stored in the farmer's API conversation).
 */
export function apiDelivery(events: ConversationEvents): Delivery {
  return {
    name: 'api',
    serves: (out) => out.conversation.channel === 'api',
    async deliver(q, out) {
      publishAfterCommit(events, q, out.message);
      return { delivery: 'api' };
    },
  };
}
