import type { Queryable } from '../db/pool.ts';
import { toMessage } from '../conversations/store.ts';
import type { Message } from '../conversations/types.ts';
import { priorityName } from './categories.ts';
import { maskPhone, maskPhonesInText } from './masking.ts';
import { listEvents, type Ticket, type TicketEvent } from './tickets.ts';

/** A ticket as the console lists it: the farmer's phone masked, overdue worked out, a paging cursor. */
export function ticketItem(t: Ticket, now: Date) {
  const waiting = t.status === 'open' || t.status === 'assigned' || t.status === 'reopened';
  return {
    id: t.id,
    status: t.status,
    category: t.category,
    priority: priorityName(t.priority),
    ...(t.county ? { county: t.county } : {}),
    question: maskPhonesInText(t.question),
    conversationId: t.conversationId,
    ...(t.assigneeId ? { assignee: { id: t.assigneeId, name: t.assigneeName ?? '', username: t.assigneeUsername ?? '' } } : {}),
    dueAt: t.dueAt,
    overdue: waiting && new Date(t.dueAt) < now,
    channel: t.channel,
    farmerPhone: maskPhone(t.farmerPhone ?? t.onBehalfOf),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    cursor: `${t.createdAt}|${t.id}`,
  };
}

/** The latest messages of the conversation, oldest first (the whole thread an expert needs, within reason). */
async function recentMessages(q: Queryable, conversationId: string, limit = 100): Promise<Message[]> {
  const { rows } = await q.query(
    `SELECT * FROM (SELECT id, conversation_id, author, author_id, text, intent, slots, confidence, citations,
                           quick_replies, escalated, channel_message_id, reply_to, created_at
                      FROM messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT $2) m ORDER BY id`,
    [conversationId, limit],
  );
  return rows.map(toMessage);
}

function eventItem(e: TicketEvent) {
  const note = typeof e.detail.note === 'string' ? e.detail.note : null;
  return {
    kind: e.kind, fromStatus: e.fromStatus, toStatus: e.toStatus, actor: e.actor, assignee: e.assigneeName,
    note, createdAt: e.createdAt,
  };
}

/** Everything the ticket page shows: the conversation, the assistant's passages, the history, the saved answer. */
export async function ticketDetail(q: Queryable, t: Ticket, now: Date) {
  const [passages, messages, events, knowledge] = await Promise.all([
    q.query(`SELECT passages FROM escalations WHERE id = $1`, [t.id]),
    recentMessages(q, t.conversationId),
    listEvents(q, t.id),
    q.query(`SELECT id, document_id, retired_at FROM expert_answers WHERE ticket_id = $1`, [t.id]),
  ]);
  const k = knowledge.rows[0];
  return {
    ticket: {
      ...ticketItem(t, now),
      commodity: t.commodity,
      onBehalfOf: maskPhone(t.onBehalfOf),
      answeredAt: t.answeredAt,
      closedAt: t.closedAt,
    },
    passages: ((passages.rows[0]?.passages ?? []) as { documentId: string; title: string; score: number; snippet: string }[]).map((p) => ({
      documentId: String(p.documentId), title: String(p.title), score: Number(p.score), snippet: String(p.snippet),
    })),
    messages: messages.map((m) => ({
      id: m.id, author: m.author, text: maskPhonesInText(m.text), intent: m.intent, createdAt: m.createdAt,
    })),
    events: events.map(eventItem),
    knowledge: k ? { id: k.id, documentId: k.document_id, retired: k.retired_at !== null } : null,
  };
}
