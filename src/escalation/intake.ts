import type { Queryable } from '../db/pool.ts';
import { setConversationFlags } from '../conversations/store.ts';
import type { Conversation, Message } from '../conversations/types.ts';
import { priorityOf, ticketCategory } from './categories.ts';
import type { EscalationContext } from './context.ts';
import { expertTexts, textExpert } from './notify.ts';
import { chooseExpert, markAssigned } from './routing.ts';
import { noticeOf } from './stream.ts';
import { addEvent, ASSISTANT, insertTicket, queueAhead, SYSTEM, updateTicket } from './tickets.ts';
import { addWorkingHours, formatChinaTime } from './working-time.ts';

/** The wait the agent promises before escalation knows better (src/bot/agent.ts EXPECTED_WAIT). */
const AGENT_WAIT = '一般4个工作小时内答复';

export interface Escalated {
  escalationId: string;
  conversation: Conversation;
  reply: Message;
  question: string;
}

/** When the turn was a 信息员's 代问: the officer, and the farmer's phone the officer's message names. */
async function askedFor(q: Queryable, reply: Message): Promise<{ onBehalfOf: string | null; askedBy: string | null }> {
  const none = { onBehalfOf: null, askedBy: null };
  if (!reply.replyTo) return none;
  const { rows } = await q.query(`SELECT author, author_id, text FROM messages WHERE id = $1`, [reply.replyTo]);
  if (rows[0]?.author !== 'officer') return none;
  const askedBy = /^[0-9a-f-]{36}$/i.test(rows[0].author_id ?? '') ? rows[0].author_id : null;
  return { askedBy, onBehalfOf: /(?<!\d)(1[3-9]\d{9})(?!\d)/.exec(rows[0].text)?.[1] ?? null };
}

/**
 * The agent escalated a turn: make its ticket and route it, inside the turn's transaction (so a turn that
 * fails leaves no ticket, and a repeated turn finds the one it made). The farmer's reply is corrected to
 * the real expected wait: who took it, or the place in the queue, and the SLA due time.
 */
export async function openTicket(ctx: EscalationContext, q: Queryable, e: Escalated): Promise<void> {
  const now = ctx.now();
  const { rows } = await q.query(
    'SELECT category, county, commodity, reason FROM escalations WHERE id = $1',
    [e.escalationId],
  );
  const esc = rows[0];
  if (!esc) throw new Error(`escalation ${e.escalationId} is not in this transaction`);
  const category = ticketCategory(esc.category);
  const priority = priorityOf(e.question, category);
  const county: string | null = esc.county ?? e.conversation.county ?? null;
  const sla = priority === 1 ? ctx.settings.urgentSlaHours : ctx.settings.slaHours;
  const dueAt = addWorkingHours(now, sla, ctx.settings.team);
  const ticket = {
    id: e.escalationId, conversationId: e.conversation.id, category, priority, county,
    commodity: esc.commodity ?? null, question: e.question, ...(await askedFor(q, e.reply)), dueAt, createdAt: now,
  };
  if (!(await insertTicket(q, ticket))) return; // the same turn again: its ticket already exists

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
  if (e.reply.text.includes(AGENT_WAIT)) {
    // The agent hands us its stored reply; correct it in place so the turn returns and publishes this text.
    e.reply.text = e.reply.text.replace(AGENT_WAIT, wait);
    await q.query('UPDATE messages SET text = $2 WHERE id = $1', [e.reply.id, e.reply.text]);
  }
  ctx.stream.publishWhenVisible(ctx.pool, noticeOf({ ...ticket, status, assigneeId: expert?.id ?? null }, 'created', now));
}
