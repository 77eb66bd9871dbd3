import { withTransaction } from '../db/pool.ts';
import { setConversationFlags } from '../conversations/store.ts';
import type { Conversation, Message } from '../conversations/types.ts';
import type { EscalationContext } from './context.ts';
import { expertTexts, phoneOf, textExpert } from './notify.ts';
import { noticeOf } from './stream.ts';
import { addEvent, ownedTicketOf, updateTicket, type Ticket } from './tickets.ts';

/**
 * The farmer wrote while an expert holds the conversation (the assistant stayed silent): the message goes
 * to that expert's ticket, reopening it if it was answered. With no ticket held (the expert's ticket was
 * closed by another way), the conversation goes back to the assistant. Either way the assistant then answers
 * the message (src/turns/receive.ts). Once per message: a turn resumed after a crash changes nothing more.
 */
export async function followUp(ctx: EscalationContext, conversation: Conversation, message: Message): Promise<void> {
  const now = ctx.now();
  let ticket: Ticket | undefined;
  await withTransaction(ctx.pool, async (q) => {
    const t = await ownedTicketOf(q, conversation.id);
    if (!t) {
      await setConversationFlags(q, conversation.id, { mode: 'bot' });
      return;
    }
    const seen = await q.query(`SELECT 1 FROM ticket_events WHERE ticket_id = $1 AND kind = 'follow_up' AND message_id = $2`, [t.id, message.id]);
    if (seen.rows.length) return;
    const reopen = t.status === 'answered';
    await updateTicket(q, t.id, { status: reopen ? 'reopened' : undefined, activityAt: now }, now);
    await addEvent(q, {
      ticketId: t.id, kind: 'follow_up', fromStatus: t.status, toStatus: reopen ? 'reopened' : t.status,
      actor: { id: null, name: 'farmer' }, assigneeId: t.assigneeId, messageId: message.id, at: now,
    });
    if (reopen && t.assigneeId) {
      const expert = await phoneOf(q, t.assigneeId);
      if (expert) await textExpert(ctx, q, expert, expertTexts.reopened(t));
    }
    ticket = { ...t, status: reopen ? 'reopened' : t.status };
  });
  if (ticket) ctx.stream.publish(noticeOf(ticket, 'follow_up', now));
}
