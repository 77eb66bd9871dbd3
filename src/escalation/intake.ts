import { afterCommit, type Queryable } from '../db/pool.ts';
import { setConversationFlags } from '../conversations/store.ts';
import { priorityOf, ticketCategory } from './categories.ts';
import type { EscalationContext } from './context.ts';
import { expertTexts, textExpert } from './notify.ts';
import { chooseExpert, markAssigned } from './routing.ts';
import { noticeOf } from './stream.ts';
import { addEvent, ASSISTANT, insertTicket, queueAhead, SYSTEM, updateTicket } from './tickets.ts';
import { addWorkingHours, formatChinaTime } from './working-time.ts';

export type { EscalatedTurn as Escalated } from '../turns/hooks.ts';
import type { EscalatedTurn as Escalated } from '../turns/hooks.ts';

/**
 * The agent escalated a turn: make its ticket and route it, inside the turn's transaction (so a turn that
 * fails leaves no ticket, and a repeated turn finds the one it made). The farmer's reply is corrected to
 * the real expected wait: who took it, or the place in the queue, and the SLA due time.
 */
export async function openTicket(ctx: EscalationContext, q: Queryable, e: Escalated): Promise<{ wait?: string }> {
  const now = ctx.now();
  const { rows } = await q.query(
    'SELECT category, county, commodity, reason FROM escalations WHERE id = $1',
    [e.escalationId],
  );
  const esc = rows[0];
  if (!esc) throw new Error(`escalation ${e.escalationId} is not in this transaction`);
  const category = ticketCategory(esc.category);
  // An emergency (safety steps already sent) is urgent whatever its words.
  const priority = esc.reason === 'emergency' ? 1 : priorityOf(e.question, category);
  const county: string | null = esc.county ?? e.conversation.county ?? null;
  const sla = priority === 1 ? ctx.settings.urgentSlaHours : ctx.settings.slaHours;
  const dueAt = addWorkingHours(now, sla, ctx.settings.team);
  const ticket = {
    id: e.escalationId, conversationId: e.conversation.id, category, priority, county,
    commodity: esc.commodity ?? null, question: e.question, onBehalfOf: e.onBehalfOf,
    askedBy: e.askedBy && /^[0-9a-f-]{36}$/i.test(e.askedBy) ? e.askedBy : null, dueAt, createdAt: now,
  };
  if (!(await insertTicket(q, ticket))) return {}; // the same turn again: its ticket already exists

  await addEvent(q, {
    ticketId: ticket.id, kind: 'created', toStatus: 'open', actor: ASSISTANT, messageId: e.reply.id,
    detail: { reason: esc.reason, priority, slaHours: sla }, at: now,
  });
  const due = formatChinaTime(dueAt, now);
  const expert = await chooseExpert(q, { category, county, now, team: ctx.settings.team });
  let wait: string;
  let status: 'open' | 'assigned' = 'open';
  if (expert) {
    status = 'assigned';
    await updateTicket(q, ticket.id, { status, assigneeId: expert.id }, now);
    await markAssigned(q, expert.id, now);
    await addEvent(q, {
      ticketId: ticket.id, kind: 'assigned', fromStatus: 'open', toStatus: 'assigned', actor: SYSTEM,
      assigneeId: expert.id, detail: { rule: expert.rule, load: expert.load }, at: now,
    });
    await setConversationFlags(q, e.conversation.id, { mode: 'expert' });
    await textExpert(ctx, q, expert, expertTexts.assigned({ ...ticket }, now));
    wait = `由${expert.name}负责，预计${due}前答复`;
  } else {
    const ahead = await queueAhead(q, ticket);
    await addEvent(q, { ticketId: ticket.id, kind: 'queued', actor: SYSTEM, detail: { ahead }, at: now });
    wait = ahead > 0 ? `前面还有${ahead}个问题在排队，预计${due}前答复` : `预计${due}前答复`;
  }
  // A console refreshing on the notice must find the ticket: announce it once the turn has committed.
  const notice = noticeOf({ ...ticket, status, assigneeId: expert?.id ?? null }, 'created', now);
  afterCommit(q, () => ctx.stream.publish(notice));
  // The farmer's reply says this instead of the agent's default promise.
  return { wait };
}
