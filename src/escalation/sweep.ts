import { withTransaction, type Queryable } from '../db/pool.ts';
import { lockConversation } from '../conversations/store.ts';
import { handBack } from './actions.ts';
import { deliverToFarmer } from './delivery.ts';
import type { EscalationContext } from './context.ts';
import { expertsFor } from './routing.ts';
import { expertTexts, phoneOf, textExpert } from './notify.ts';
import { noticeOf, type TicketChangeNotice } from './stream.ts';
import { addEvent, SYSTEM, TICKET_SELECT, toTicket, updateTicket, type Ticket } from './tickets.ts';

/** One lock for the sweep across instances: with N servers it runs once per tick. */
const SWEEP_LOCK = 72_114_005;
const BATCH = 200;

export const EXPIRED_TEXT =
  '很抱歉，专家这几天没能答复您的问题。您可以换个说法再问我，或拨打12316农业服务热线，也可以到村里的益农信息社找信息员帮忙。';

export interface SweepReport {
  ran: boolean;
  overdue: number;
  autoClosed: number;
  expired: number;
}

async function pick(q: Queryable, where: string, values: unknown[]): Promise<Ticket[]> {
  const { rows } = await q.query(
    `${TICKET_SELECT} WHERE ${where} ORDER BY t.due_at LIMIT ${BATCH} FOR UPDATE OF t SKIP LOCKED`,
    values,
  );
  return rows.map(toTicket);
}

/**
 * The ticket SLA work, for the scheduler (issue 7) to call every few minutes: tell experts about tickets
 * past due (the holder, or the specialty's experts for a queued one), close answered tickets the farmer let
 * rest, and expire tickets nobody answered in time, telling the farmer. Safe to call from every instance.
 */
export async function sweepTickets(ctx: EscalationContext): Promise<SweepReport> {
  const now = ctx.now();
  const { autoCloseHours, expireDays } = ctx.settings;
  const notices: TicketChangeNotice[] = [];
  const report = await withTransaction(ctx.pool, async (q) => {
    const { rows } = await q.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [SWEEP_LOCK]);
    if (!rows[0].locked) return { ran: false, overdue: 0, autoClosed: 0, expired: 0 };

    const expireBefore = new Date(now.getTime() - expireDays * 86_400_000);
    const expiring = await pick(q, `t.status IN ('open', 'assigned', 'reopened') AND t.created_at < $1`, [expireBefore]);
    for (const t of expiring) {
      await updateTicket(q, t.id, { status: 'expired', closedAt: now }, now);
      await addEvent(q, { ticketId: t.id, kind: 'expired', fromStatus: t.status, toStatus: 'expired', actor: SYSTEM, at: now });
      const conversation = await lockConversation(q, t.conversationId);
      if (conversation) {
        await deliverToFarmer(q, ctx.outbox, conversation, {
          text: EXPIRED_TEXT, authorId: null, category: t.category, author: 'system', sms: true,
        });
      }
      // The farmer was just told why; handing back needs no second line.
      await handBack(ctx, q, t, null);
      notices.push(noticeOf({ ...t, status: 'expired' }, 'expired', now));
    }

    const overdue = await pick(
      q,
      `t.status IN ('open', 'assigned', 'reopened') AND t.due_at < $1 AND t.overdue_notified_at IS NULL`,
      [now],
    );
    for (const t of overdue) {
      await updateTicket(q, t.id, { overdueNotifiedAt: now }, now);
      await addEvent(q, { ticketId: t.id, kind: 'overdue', actor: SYSTEM, assigneeId: t.assigneeId, detail: { dueAt: t.dueAt }, at: now });
      if (t.assigneeId) {
        const expert = await phoneOf(q, t.assigneeId);
        if (expert) await textExpert(ctx, q, expert, expertTexts.overdue(t));
      } else {
        for (const expert of await expertsFor(q, t.category, t.county, 3)) {
          await textExpert(ctx, q, expert, expertTexts.queued(t));
        }
      }
      notices.push(noticeOf(t, 'overdue', now));
    }

    const quietSince = new Date(now.getTime() - autoCloseHours * 3600_000);
    const resting = await pick(q, `t.status = 'answered' AND t.last_activity_at < $1`, [quietSince]);
    for (const t of resting) {
      await updateTicket(q, t.id, { status: 'closed', closedAt: now }, now);
      await addEvent(q, {
        ticketId: t.id, kind: 'closed', fromStatus: 'answered', toStatus: 'closed', actor: SYSTEM,
        detail: { reason: 'no_follow_up', hours: autoCloseHours }, at: now,
      });
      await handBack(ctx, q, t);
      notices.push(noticeOf({ ...t, status: 'closed' }, 'closed', now));
    }
    return { ran: true, overdue: overdue.length, autoClosed: resting.length, expired: expiring.length };
  });
  for (const n of notices) ctx.stream.publish(n);
  return report;
}
