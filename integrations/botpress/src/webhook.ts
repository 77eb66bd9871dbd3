import type { IntegrationProps } from '@botpress/sdk';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../../src/webhooks/signature.ts';
import { expertUser } from './hitl.ts';
import { deliveryOf, readState, writeState, type Client } from './state.ts';
import type { Yinong } from './types.ts';

type Props = IntegrationProps<Yinong>;

/** How old a signed delivery may be: the server's clock and ours may differ a little, a replay may not. */
const MAX_AGE_SECONDS = 300;
/** Event ids a chat conversation remembers, against resent deliveries. */
const DELIVERED_KEPT = 50;

/** One delivery from our server's integration outbox (src/integrations/worker.ts). */
interface DeliveredEvent {
  id: string;
  type: 'message' | 'ticket.closed';
  conversation: { id: string; kind: 'chat' | 'hitl'; externalId: string; externalUserId: string | null };
  message?: { id: string; author: string; authorName: string | null; text: string };
  ticket?: { id: string; status?: string; category?: string | null } | null;
}

const json = (status: number, body: unknown) => ({
  status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});

/**
 * Deliveries from our server: an expert's answer or notice, a ticket closed. Signed like our SMS gateway's
 * webhooks (HMAC-SHA256 of "<timestamp>.<raw body>" with the secret the server gave at registration); a
 * request that is not is refused with 401 and changes nothing. Each event is posted once per event id.
 */
export const handler: Props['handler'] = async ({ ctx, client, req, logger }) => {
  const delivery = await deliveryOf(client, ctx.integrationId);
  const raw = req.body ?? '';
  const verdict = verifySignature(
    delivery.secret,
    { timestamp: req.headers[TIMESTAMP_HEADER], signature: req.headers[SIGNATURE_HEADER] },
    Buffer.from(raw, 'utf8'),
    MAX_AGE_SECONDS,
  );
  if (!verdict.ok) {
    logger.forBot().warn(`益农助手：拒收一个签名不对的投递（${verdict.reason}）`);
    return json(401, { error: { code: 'bad_signature', message: verdict.reason } });
  }
  let event: DeliveredEvent;
  try {
    event = JSON.parse(raw) as DeliveredEvent;
  } catch {
    return json(400, { error: { code: 'invalid_json', message: '投递内容不是有效的 JSON' } });
  }
  if (event.conversation?.kind === 'hitl') await toHitl(client, event);
  else if (event.conversation?.kind === 'chat') await toChat(client, event);
  return json(200, { ok: true, id: event.id });
};

/** A HITL session: the expert speaks in the hitl conversation; a closed ticket ends the session. */
async function toHitl(client: Client, event: DeliveredEvent): Promise<void> {
  const conversationId = event.conversation.externalId;
  const session = await readState(client, 'conversation', conversationId, 'hitl');
  if (event.type === 'message' && event.message) {
    const fromExpert = event.message.author === 'expert';
    const userId = await expertUser(client, fromExpert ? event.message.authorName : null);
    if (fromExpert && session && !session.stopped && session.assignedTo !== userId) {
      // An expert took it from the queue (or it was handed to another): the HITL plugin shows who.
      await writeState(client, 'conversation', conversationId, 'hitl', { ...session, assignedTo: userId });
      await client.createEvent({ type: 'hitlAssigned', payload: { conversationId, userId } });
    }
    // The event id as a tag: a delivery resent after a lost answer finds the message it made.
    await client.getOrCreateMessage({
      conversationId, userId, type: 'text', payload: { text: event.message.text },
      tags: { id: event.id }, discriminateByTags: ['id'],
    });
    return;
  }
  if (event.type === 'ticket.closed' && session && !session.stopped) {
    await writeState(client, 'conversation', conversationId, 'hitl', { ...session, stopped: true });
    await client.createEvent({ type: 'hitlStopped', payload: { conversationId } });
  }
}

/** A conversation the bot asked through askAssistant: the bot gets the expert's answer as an event. */
async function toChat(client: Client, event: DeliveredEvent): Promise<void> {
  if (event.type !== 'message' || !event.message || event.message.author !== 'expert') return;
  const conversationId = event.conversation.externalId;
  const state = await readState(client, 'conversation', conversationId, 'yinong');
  if (state?.delivered?.includes(event.id)) return;
  await client.createEvent({
    type: 'expertAnswer',
    payload: {
      conversationId,
      ...(event.conversation.externalUserId ? { userId: event.conversation.externalUserId } : {}),
      text: event.message.text, expertName: event.message.authorName, ticketId: event.ticket?.id ?? null,
    },
  });
  await writeState(client, 'conversation', conversationId, 'yinong', {
    yinongConversationId: state?.yinongConversationId ?? event.conversation.id,
    delivered: [...(state?.delivered ?? []), event.id].slice(-DELIVERED_KEPT),
  });
}
