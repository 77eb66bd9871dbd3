import { afterCommit, type Queryable } from '../db/pool.ts';
import { priorityOf, ticketCategory } from './categories.ts';
import type { EscalationContext } from './context.ts';
import { expertTexts, textExpert } from './notify.ts';
import { routeLockKey, routeTicket } from './routing.ts';
import { noticeOf } from './stream.ts';
import { ASSISTANT, insertOpenedTicket } from './tickets.ts';
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
  const esc = e.escalation ?? (await q.query(
    'SELECT category, county, commodity, reason FROM escalations WHERE id = $1',
    [e.escalationId],
  )).rows[0];
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
  // The ticket, its 'created' event and the category's routing lock in one statement, then routing in one.
  const created = { actor: ASSISTANT, messageId: e.reply.id, detail: { reason: esc.reason, priority, slaHours: sla } };
  if (!(await insertOpenedTicket(q, ticket, created, routeLockKey(category)))) return {}; // the same turn again: its ticket already exists

  const due = formatChinaTime(dueAt, now);
  const { expert, ahead } = await routeTicket(q, ticket, { now, team: ctx.settings.team });
  let wait: string;
  if (expert) {
    await textExpert(ctx, q, expert, expertTexts.assigned({ ...ticket }, now));
    wait = `由${expert.name}负责，预计${due}前答复`;
  } else {
    wait = ahead > 0 ? `前面还有${ahead}个问题在排队，预计${due}前答复` : `预计${due}前答复`;
  }
  // A console refreshing on the notice must find the ticket: announce it once the turn has committed.
  const notice = noticeOf({ ...ticket, status: expert ? 'assigned' : 'open', assigneeId: expert?.id ?? null }, 'created', now);
  afterCommit(q, () => ctx.stream.publish(notice));
  // The farmer's reply says this instead of the agent's default promise.
  return { wait };
}
