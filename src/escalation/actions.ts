import { withTransaction, type Queryable } from '../db/pool.ts';
import { lockConversation, setConversationFlags } from '../conversations/store.ts';
import type { Message } from '../conversations/types.ts';
import type { Principal } from '../accounts/principal.ts';
import { conflict, invalid, missing, refused } from './errors.ts';
import { findByUsername, getUser, type User } from '../accounts/users.ts';
import { actorOf, type EscalationContext } from './context.ts';
import { deliverToFarmer, type Delivery } from './delivery.ts';
import { expertTexts, textExpert } from './notify.ts';
import { markAssigned } from './routing.ts';
import { canSee, scopeOf } from './scope.ts';
import { noticeOf } from './stream.ts';
import {
  addEvent, FINAL_STATUSES, getTicket, othersOwned, updateTicket, type Ticket, type TicketStatus,
} from './tickets.ts';

/** Farmers on the web see this when the expert hands the conversation back to the assistant. */
export const HANDBACK_TEXT = '本次专家答疑已结束。您还有问题可以接着问我，需要专家时回复“转人工”。';

function requireWorker(p: Principal): void {
  if (p.role !== 'expert' && p.role !== 'admin') throw refused('forbidden', '只有专家或管理员可以处理问题');
}

/** Lock the ticket and check the caller may see it; 404 and 403 say which. */
async function lockVisible(ctx: EscalationContext, q: Queryable, p: Principal, id: string): Promise<Ticket> {
  const t = await getTicket(q, id, { lock: true });
  if (!t) throw missing('not_found', `没有编号为 ${id} 的问题`);
  if (!(await canSee(q, scopeOf(p), t))) throw refused('out_of_scope', '这个问题不在您的专业或服务区县范围内');
  return t;
}

function requireOpen(t: Ticket): void {
  if (FINAL_STATUSES.includes(t.status)) {
    throw conflict('ticket_closed', `这个问题已经${t.status === 'expired' ? '过期' : '关闭'}，不能再处理`);
  }
}

/** An expert may act on a ticket only while it is theirs; an administrator on any. */
function requireHolder(p: Principal, t: Ticket, doing: string): void {
  if (p.role === 'admin') return;
  if (!t.assigneeId) throw conflict('not_claimed', `请先认领这个问题再${doing}`);
  if (t.assigneeId !== p.userId) {
    throw refused('not_yours', `这个问题由${t.assigneeName ?? '其他专家'}负责，只有负责的专家可以${doing}`);
  }
}

/** Transfer and close belong to the expert who holds the ticket (or an administrator), claimed or not. */
function requireAssignee(p: Principal, t: Ticket, refusal: string): void {
  if (p.role !== 'admin' && t.assigneeId !== p.userId) throw refused('not_yours', refusal);
}

/**
 * One action on a ticket the caller may see and that is still open: locked in a transaction, changed by `act`,
 * and announced on the consoles' stream once the transaction is over.
 */
async function actOnOpenTicket<R>(
  ctx: EscalationContext,
  p: Principal,
  id: string,
  kind: string,
  ticketOf: (result: R) => Ticket,
  act: (q: Queryable, t: Ticket, now: Date) => Promise<R>,
): Promise<R> {
  const now = ctx.now();
  const result = await withTransaction(ctx.pool, async (q) => {
    const t = await lockVisible(ctx, q, p, id);
    requireOpen(t);
    return act(q, t, now);
  });
  ctx.stream.publish(noticeOf(ticketOf(result), kind, now));
  return result;
}

const itself = (t: Ticket) => t;

export async function claimTicket(ctx: EscalationContext, p: Principal, id: string): Promise<Ticket> {
  if (p.role !== 'expert' || !p.userId) throw refused('forbidden', '只有专家账号可以认领问题；管理员可以用“转交”指派给专家');
  return actOnOpenTicket(ctx, p, id, 'claimed', itself, async (q, t, now) => {
    if (t.assigneeId === p.userId) return t; // claiming twice changes nothing
    if (t.assigneeId) throw conflict('already_assigned', `这个问题已由${t.assigneeName ?? '其他专家'}认领`);
    const status: TicketStatus = t.status === 'open' ? 'assigned' : t.status;
    await updateTicket(q, t.id, { status, assigneeId: p.userId }, now);
    await markAssigned(q, p.userId!, now);
    await addEvent(q, {
      ticketId: t.id, kind: 'claimed', fromStatus: t.status, toStatus: status, actor: actorOf(p), assigneeId: p.userId, at: now,
    });
    await setConversationFlags(q, t.conversationId, { mode: 'expert' });
    return (await getTicket(q, t.id))!;
  });
}

export interface ReplyResult {
  ticket: Ticket;
  message: Message;
  delivery: Delivery;
}

/** The expert's answer: into the farmer's conversation (live on the web, by SMS on SMS), ticket answered. */
export async function replyToTicket(ctx: EscalationContext, p: Principal, id: string, text: string): Promise<ReplyResult> {
  requireWorker(p);
  return actOnOpenTicket(ctx, p, id, 'answered', (r) => r.ticket, async (q, t, now) => {
    requireHolder(p, t, '答复');
    const conversation = await lockConversation(q, t.conversationId);
    if (!conversation) throw missing('not_found', '这个问题的会话已不存在');
    const { message, delivery } = await deliverToFarmer(q, ctx.outbox, conversation, {
      text, authorId: p.userId ?? null, category: t.category, author: 'expert', sms: true, onBehalfOf: t.onBehalfOf,
    });
    await updateTicket(q, t.id, { status: 'answered', answeredAt: now, activityAt: now }, now);
    await addEvent(q, {
      ticketId: t.id, kind: 'answered', fromStatus: t.status, toStatus: 'answered', actor: actorOf(p),
      messageId: message.id, detail: { channel: delivery.channel, sms: delivery.sms.length }, at: now,
    });
    return { ticket: (await getTicket(q, t.id))!, message, delivery };
  });
}

/** The expert named by account id or username, if it is an active expert. */
async function findExpert(q: Queryable, ref: string): Promise<User | undefined> {
  const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const user = isId ? await getUser(q, ref) : await findByUsername(q, ref);
  return user && user.role === 'expert' && !user.disabled ? user : undefined;
}

export async function transferTicket(
  ctx: EscalationContext,
  p: Principal,
  id: string,
  body: { to: string; note?: string },
): Promise<Ticket> {
  requireWorker(p);
  return actOnOpenTicket(ctx, p, id, 'transferred', itself, async (q, t, now) => {
    requireAssignee(p, t, '只有负责这个问题的专家可以转交');
    const target = await findExpert(q, body.to);
    if (!target) throw missing('expert_not_found', `没有这位专家：${body.to}（请用专家的账号名或编号）`);
    if (target.id === t.assigneeId) throw invalid('same_expert', '这个问题已经在这位专家名下');
    const status: TicketStatus = t.status === 'open' ? 'assigned' : t.status;
    await updateTicket(q, t.id, { status, assigneeId: target.id }, now);
    await markAssigned(q, target.id, now);
    await addEvent(q, {
      ticketId: t.id, kind: 'transferred', fromStatus: t.status, toStatus: status, actor: actorOf(p),
      assigneeId: target.id, detail: { from: t.assigneeId, note: body.note ?? null }, at: now,
    });
    await setConversationFlags(q, t.conversationId, { mode: 'expert' });
    await textExpert(ctx, q, target, expertTexts.transferred(t, p.name, now));
    return (await getTicket(q, t.id))!;
  });
}

/** Close the ticket; when no other expert holds the conversation, the assistant answers again. */
export async function closeTicket(ctx: EscalationContext, p: Principal, id: string, note?: string): Promise<Ticket> {
  requireWorker(p);
  return actOnOpenTicket(ctx, p, id, 'closed', itself, async (q, t, now) => {
    requireAssignee(p, t, `这个问题由${t.assigneeName ?? '团队队列'}负责，只有负责的专家可以关闭`);
    await updateTicket(q, t.id, { status: 'closed', closedAt: now }, now);
    await addEvent(q, {
      ticketId: t.id, kind: 'closed', fromStatus: t.status, toStatus: 'closed', actor: actorOf(p),
      detail: { note: note ?? null }, at: now,
    });
    await handBack(ctx, q, t);
    return (await getTicket(q, t.id))!;
  });
}

/**
 * Give the conversation back to the assistant unless another expert still holds it. Web and API farmers
 * get a line saying so; SMS farmers are not sent a text for it (each costs them a message to read).
 */
export async function handBack(
  ctx: EscalationContext, q: Queryable, t: Ticket, text: string | null = HANDBACK_TEXT,
): Promise<Message | undefined> {
  const message = await handBackToAssistant(ctx, q, t, text);
  // An integration's session for this ticket (a Botpress handoff) ends, after the farmer's last line.
  await ctx.ticketEnded(q, t);
  return message;
}

async function handBackToAssistant(
  ctx: EscalationContext, q: Queryable, t: Ticket, text: string | null,
): Promise<Message | undefined> {
  if (await othersOwned(q, t.conversationId, t.id)) return undefined;
  await setConversationFlags(q, t.conversationId, { mode: 'bot' });
  if (text === null) return undefined;
  const conversation = await lockConversation(q, t.conversationId);
  if (!conversation || conversation.channel === 'sms') return undefined;
  const { message } = await deliverToFarmer(q, ctx.outbox, conversation, { text, authorId: null, category: t.category, author: 'system', sms: false });
  return message;
}
