import type { Queryable } from '../db/pool.ts';
import { shortTicketNumber } from './ticket-number.ts';
import { OWNED_STATUSES, TICKET_SELECT, toTicket, type Ticket } from './tickets.ts';

/** Tickets an expert still has to answer, or has answered and may answer again. */
const WAITING = ['open', 'assigned', 'reopened', 'answered'];

/**
 * The conversation's ticket that is not closed: the newest one an expert holds (where a follow-up goes, see
 * ownedTicketOf), else the newest, if any. So the number the farmer is told is the ticket their words joined.
 */
export async function waitingTicketOf(q: Queryable, conversationId: string): Promise<Ticket | undefined> {
  const { rows } = await q.query(
    `${TICKET_SELECT} WHERE t.conversation_id = $1 AND t.status = ANY($2::text[])
      ORDER BY (t.assignee_id IS NOT NULL AND t.status = ANY($3::text[])) DESC, t.created_at DESC LIMIT 1`,
    [conversationId, WAITING, OWNED_STATUSES],
  );
  return rows[0] ? toTicket(rows[0]) : undefined;
}

/**
 * What the farmer is told instead of a second ticket: the one they already have, with the number the page and
 * the console show, and who has it.
 */
export function alreadyWithExpertText(t: Ticket): string {
  return `您的问题已经转给${who(t)}了（问题编号 ${shortTicketNumber(t.id)}），不用再转一次。您说的话专家都能看到，答复后会发给您。`;
}

/** What the farmer is told when a follow-up the assistant cannot answer has joined the expert's ticket. */
export function forwardedToExpertText(t: Ticket): string {
  return `您的话已转给${who(t)}（问题编号 ${shortTicketNumber(t.id)}），专家看到后会答复您。`;
}

const who = (t: Ticket) => t.assigneeName ?? '专家团队';
