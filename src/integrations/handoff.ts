import { withTransaction, type Queryable } from '../db/pool.ts';
import {
  findOrCreateConversation, insertEscalation, insertMessage, lockConversation, setMessageText,
} from '../conversations/store.ts';
import type { Message } from '../conversations/types.ts';
import { handBack } from '../escalation/actions.ts';
import { ticketCategory } from '../escalation/categories.ts';
import type { EscalationContext } from '../escalation/context.ts';
import { conflict, missing } from '../escalation/errors.ts';
import { openTicket } from '../escalation/intake.ts';
import { expertTexts, phoneOf, textExpert } from '../escalation/notify.ts';
import { noticeOf } from '../escalation/stream.ts';
import { addEvent, FINAL_STATUSES, getTicket, updateTicket, type Ticket } from '../escalation/tickets.ts';
import { linkConversation } from './links.ts';
import type { Webhook } from './webhooks.ts';

export interface TranscriptLine {
  from: 'farmer' | 'bot';
  text: string;
}

export interface HandoffRequest {
  /** the integration's id of the session (a Botpress HITL conversation): a retried request finds its ticket */
  externalId: string;
  externalUserId?: string | null;
  /** the farmer's stable id at the integration, so one farmer's sessions share a conversation */
  webId: string;
  phone?: string | null;
  title: string;
  description?: string | null;
  transcript: TranscriptLine[];
  /** one of the expert team's categories (粮食作物 … 市场); the nearest is used otherwise */
  category?: string | null;
  county?: string | null;
}

export interface Handoff {
  conversationId: string;
  ticket: Ticket;
  /** the farmer's expected wait, in the words the web and SMS channels use */
  wait: string;
  duplicate: boolean;
}

const QUESTION_MAX = 2000;
const HANDOFF_REPLY = '已为您转给农技专家，';

/** The ticket's question: what the farmer asked, then the conversation before it, newest last. */
function questionOf(r: HandoffRequest): string {
  const asked = [r.title.trim(), r.description?.trim()].filter(Boolean).join('\n');
  const before = r.transcript.map((l) => `${l.from === 'farmer' ? '农户' : '机器人'}：${l.text.trim()}`).join('\n');
  const full = before ? `${asked}\n\n此前的对话：\n${before}` : asked;
  return full.length <= QUESTION_MAX ? full : `${full.slice(0, QUESTION_MAX - 1)}…`;
}

/**
 * Open an expert ticket for an integration's human handoff (a Botpress HITL session), in one transaction:
 * the farmer's conversation with the session linked to the webhook, the conversation so far as its messages,
 * the request, and a ticket routed as the assistant's own escalations are. A retry with the same session id
 * returns the ticket it made.
 */
export async function openHandoff(ctx: EscalationContext, webhook: Webhook, r: HandoffRequest): Promise<Handoff> {
  const tag = (suffix: string) => `handoff:${r.externalId}:${suffix}`;
  const result = await withTransaction(ctx.pool, async (q) => {
    const found = await findOrCreateConversation(q, { channel: 'api', webId: r.webId, phone: r.phone ?? undefined });
    const conversation = (await lockConversation(q, found.id))!;
    const asked = await insertMessage(q, {
      conversationId: conversation.id, author: 'farmer', text: r.title.trim(), channelMessageId: tag('request'),
    });
    if (asked.duplicate) {
      const ticket = await ticketOfRequest(q, asked.message.id);
      if (ticket) return { conversationId: conversation.id, ticket, wait: '', duplicate: true };
    }
    await linkConversation(q, {
      conversationId: conversation.id, webhookId: webhook.id, kind: 'hitl', externalId: r.externalId,
      externalUserId: r.externalUserId ?? null,
    });
    for (const [i, line] of r.transcript.entries()) {
      await insertMessage(q, {
        conversationId: conversation.id, author: line.from, text: line.text, channelMessageId: tag(`history-${i}`),
      });
    }
    const { message: reply } = await insertMessage(q, {
      conversationId: conversation.id, author: 'system', text: HANDOFF_REPLY, escalated: true, replyTo: asked.message.id,
    });
    const question = questionOf(r);
    const escalationId = await insertEscalation(q, {
      conversationId: conversation.id, messageId: reply.id, question, category: ticketCategory(r.category),
      county: r.county ?? null, reason: 'handoff', passages: [],
    });
    const { wait = '' } = await openTicket(ctx, q, {
      escalationId, conversation, reply, question, onBehalfOf: null, askedBy: null,
    });
    await setMessageText(q, reply.id, `${HANDOFF_REPLY}${wait}。`);
    return { conversationId: conversation.id, ticket: (await getTicket(q, escalationId))!, wait, duplicate: false };
  });
  return result;
}

async function ticketOfRequest(q: Queryable, requestId: string): Promise<Ticket | undefined> {
  const { rows } = await q.query(
    `SELECT e.id FROM escalations e JOIN messages m ON m.id = e.message_id WHERE m.reply_to = $1 LIMIT 1`,
    [requestId],
  );
  return rows[0] ? getTicket(q, rows[0].id) : undefined;
}

/** The handoff ticket of an integration's session, locked; 404 when it is not this webhook's. */
async function lockHandoff(q: Queryable, webhook: Webhook, ticketId: string): Promise<Ticket> {
  const ticket = await getTicket(q, ticketId, { lock: true });
  const { rows } = ticket
    ? await q.query('SELECT 1 FROM integration_links WHERE conversation_id = $1 AND webhook_id = $2', [ticket.conversationId, webhook.id])
    : { rows: [] };
  if (!ticket || !rows.length) throw missing('not_found', `没有编号为 ${ticketId} 的转人工会话`);
  return ticket;
}

/**
 * The farmer wrote during the session: the message joins the ticket's conversation and the ticket (an
 * answered one reopens and its expert is told), whether or not an expert has taken it yet.
 */
export async function handoffMessage(
  ctx: EscalationContext,
  webhook: Webhook,
  ticketId: string,
  m: { text: string; messageId?: string | null },
): Promise<{ message: Message; ticket: Ticket; duplicate: boolean }> {
  const now = ctx.now();
  const result = await withTransaction(ctx.pool, async (q) => {
    const t = await lockHandoff(q, webhook, ticketId);
    if (FINAL_STATUSES.includes(t.status)) throw conflict('ticket_closed', '这次转人工已经结束，请重新发起');
    const saved = await insertMessage(q, {
      conversationId: t.conversationId, author: 'farmer', text: m.text, channelMessageId: m.messageId ?? null,
    });
    if (saved.duplicate) return { ...saved, ticket: t };
    const reopen = t.status === 'answered';
    await updateTicket(q, t.id, { status: reopen ? 'reopened' : undefined, activityAt: now }, now);
    await addEvent(q, {
      ticketId: t.id, kind: 'follow_up', fromStatus: t.status, toStatus: reopen ? 'reopened' : t.status,
      actor: { id: null, name: 'farmer' }, assigneeId: t.assigneeId, messageId: saved.message.id, at: now,
    });
    if (reopen && t.assigneeId) {
      const expert = await phoneOf(q, t.assigneeId);
      if (expert) await textExpert(ctx, q, expert, expertTexts.reopened(t));
    }
    return { ...saved, ticket: (await getTicket(q, t.id))! };
  });
  if (!result.duplicate) {
    ctx.events.publish(result.message);
    ctx.stream.publish(noticeOf(result.ticket, 'follow_up', now));
  }
  return result;
}

/** The integration ended the session (the farmer left, a timeout): the ticket closes; closing twice is one close. */
export async function closeHandoff(
  ctx: EscalationContext,
  webhook: Webhook,
  ticketId: string,
  reason: string,
): Promise<Ticket> {
  const now = ctx.now();
  let changed = false;
  const ticket = await withTransaction(ctx.pool, async (q) => {
    const t = await lockHandoff(q, webhook, ticketId);
    if (FINAL_STATUSES.includes(t.status)) return t;
    changed = true;
    await updateTicket(q, t.id, { status: 'closed', closedAt: now }, now);
    await addEvent(q, {
      ticketId: t.id, kind: 'closed', fromStatus: t.status, toStatus: 'closed',
      actor: { id: null, name: webhook.integration }, detail: { reason, by: 'integration' }, at: now,
    });
    // The integration tells the farmer itself; no line from us.
    await handBack(ctx, q, t, null);
    return (await getTicket(q, t.id))!;
  });
  if (changed) ctx.stream.publish(noticeOf(ticket, 'closed', now));
  return ticket;
}
