import type { Delivery } from '../turns/outbox.ts';
import { queueIntegrationMessage } from './outbox.ts';

/**
 * An integration's webhook as a way out: messages written after the turn that asked (an expert's answer, a
 * hand-back or expiry notice) in an API conversation an integration speaks for go to its integration outbox,
 * which a worker drains signed, retried and once per message (src/integrations/worker.ts). The turn's own
 * replies are not: the integration has them in the response already. Conversations no integration speaks
 * for queue nothing.
 */
export function integrationDelivery(): Delivery {
  return {
    name: 'integration',
    serves: (out) => out.conversation.channel === 'api' && out.kind !== 'reply',
    async deliver(q, out) {
      await queueIntegrationMessage(q, out.conversation, out.message);
      return { delivery: 'integration' };
    },
  };
}
