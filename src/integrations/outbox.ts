import { EventEmitter } from 'node:events';
import { afterCommit, type Queryable } from '../db/pool.ts';
import type { Conversation, Message } from '../conversations/types.ts';
import { activeLinkOf, type Link } from './links.ts';

/** Wakes this process's integration delivery worker when something was queued (other instances poll). */
export const integrationOutboxSignal = new EventEmitter();
integrationOutboxSignal.setMaxListeners(0);

export type IntegrationEventType = 'message' | 'ticket.closed';

/** What the receiver gets in `conversation`: ours and theirs, so it needs no lookup of its own. */
function conversationOf(link: Link) {
  return { id: link.conversationId, kind: link.kind, externalId: link.externalId, externalUserId: link.externalUserId };
}

async function enqueue(
  q: Queryable,
  link: Link,
  e: { key: string; type: IntegrationEventType; messageId?: string | null; payload: Record<string, unknown> },
): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO integration_outbox (webhook_id, event_key, type, conversation_id, message_id, payload)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (webhook_id, event_key) DO NOTHING
     RETURNING id`,
    [link.webhookId, e.key, e.type, link.conversationId, e.messageId ?? null, JSON.stringify(e.payload)],
  );
  // The worker must find the row when it wakes: after the caller's transaction commits.
  if (rows[0]) afterCommit(q, () => integrationOutboxSignal.emit('queued'));
  return rows[0]?.id;
}

/**
 * A message for the farmer written after the turn that asked (an expert's answer, a notice), inside the
 * caller's transaction: when an integration speaks for the conversation, it is queued for its webhook.
 * Once per message id, however often this runs. Returns the event id, or undefined when nothing was queued.
 */
export async function queueIntegrationMessage(
  q: Queryable,
  conversation: Pick<Conversation, 'id'>,
  message: Message,
  about: { ticketId?: string | null } = {},
): Promise<string | undefined> {
  const link = await activeLinkOf(q, conversation.id);
  if (!link) return undefined;
  const author = message.authorId && /^[0-9a-f-]{36}$/i.test(message.authorId)
    ? (await q.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [message.authorId])).rows[0]?.name
    : undefined;
  // The ticket it is about: the conversation's newest (the one an expert answers, or the one just closed).
  const ticketId = about.ticketId ?? (await q.query<{ id: string }>(
    'SELECT id FROM tickets WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT 1', [conversation.id],
  )).rows[0]?.id;
  return enqueue(q, link, {
    key: `message:${message.id}`,
    type: 'message',
    messageId: message.id,
    payload: {
      conversation: conversationOf(link),
      message: {
        id: message.id, author: message.author, authorName: author ?? null, text: message.text,
        createdAt: message.createdAt,
      },
      ticket: ticketId ? { id: ticketId } : null,
    },
  });
}

/** A ticket ended (closed by the expert or the integration, auto-closed, expired): the session is over. */
export async function queueTicketClosed(
  q: Queryable,
  ticket: { id: string; conversationId: string },
): Promise<string | undefined> {
  const link = await activeLinkOf(q, ticket.conversationId);
  if (!link) return undefined;
  // The status as this transaction left it: closed or expired.
  const { rows } = await q.query<{ status: string }>('SELECT status FROM tickets WHERE id = $1', [ticket.id]);
  return enqueue(q, link, {
    key: `ticket:${ticket.id}:closed`,
    type: 'ticket.closed',
    payload: { conversation: conversationOf(link), ticket: { id: ticket.id, status: rows[0]?.status ?? 'closed' } },
  });
}
