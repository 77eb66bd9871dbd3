import type { Queryable } from '../db/pool.ts';
import { TICKET_STATUSES, type ExpertCategory } from './categories.ts';

export { TICKET_STATUSES };
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** An expert holds the conversation in these states (the assistant stays silent). */
export const OWNED_STATUSES: TicketStatus[] = ['assigned', 'answered', 'reopened'];
/** States in which a ticket still waits for an expert's answer. */
export const WAITING_STATUSES: TicketStatus[] = ['open', 'assigned', 'reopened'];
export const FINAL_STATUSES: TicketStatus[] = ['closed', 'expired'];

export interface Ticket {
  id: string;
  conversationId: string;
  status: TicketStatus;
  category: ExpertCategory;
  priority: 1 | 2 | 3;
  county: string | null;
  commodity: string | null;
  question: string;
  /** the farmer an officer asked for (代问) */
  onBehalfOf: string | null;
  /** the officer who asked it */
  askedBy: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  assigneeUsername: string | null;
  dueAt: string;
  createdAt: string;
  updatedAt: string;
  answeredAt: string | null;
  closedAt: string | null;
  lastActivityAt: string;
  channel: 'web' | 'sms' | 'api';
  farmerPhone: string | null;
}

/** Columns of a ticket with its assignee's name and its conversation's channel (aliases t, a, c). */
export const TICKET_SELECT = `
  SELECT t.id, t.conversation_id, t.status, t.category, t.priority, t.county, t.commodity, t.question, t.on_behalf_of, t.asked_by, t.assignee_id,
         a.name AS assignee_name, a.username AS assignee_username, t.due_at, t.created_at, t.updated_at,
         t.answered_at, t.closed_at, t.last_activity_at, c.channel, c.farmer_phone
    FROM tickets t
    JOIN conversations c ON c.id = t.conversation_id
    LEFT JOIN users a ON a.id = t.assignee_id`;

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

export function toTicket(r: any): Ticket {
  return {
    id: r.id, conversationId: r.conversation_id, status: r.status, category: r.category, priority: r.priority,
    county: r.county, commodity: r.commodity, question: r.question, onBehalfOf: r.on_behalf_of, askedBy: r.asked_by, assigneeId: r.assignee_id,
    assigneeName: r.assignee_name ?? null, assigneeUsername: r.assignee_username ?? null, dueAt: iso(r.due_at)!,
    createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!, answeredAt: iso(r.answered_at), closedAt: iso(r.closed_at),
    lastActivityAt: iso(r.last_activity_at)!, channel: r.channel, farmerPhone: r.farmer_phone,
  };
}

/** A ticket as it is opened: the escalation's fields, with its times as dates. */
export type NewTicket = Pick<
  Ticket, 'id' | 'conversationId' | 'category' | 'priority' | 'county' | 'commodity' | 'question' | 'onBehalfOf' | 'askedBy'
> & { dueAt: Date; createdAt: Date };

/**
 * Insert once, with its 'created' event, in one statement: `false` when a ticket with this id (the
 * escalation's) already exists. The advisory lock `lockKey` is taken in the same statement, so the
 * transaction's next statement (routing) already sees whatever was routed under that lock before it.
 */
export async function insertOpenedTicket(
  q: Queryable,
  t: NewTicket,
  created: { actor: Actor; messageId: string | null; detail: Record<string, unknown> },
  lockKey: string,
): Promise<boolean> {
  const { rows } = await q.query<{ inserted: number }>(
    `WITH t AS (
       INSERT INTO tickets (id, conversation_id, category, priority, county, commodity, question, on_behalf_of, asked_by,
                            due_at, created_at, updated_at, last_activity_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11)
       ON CONFLICT (id) DO NOTHING
       RETURNING id
     ), e AS (
       INSERT INTO ticket_events (ticket_id, kind, from_status, to_status, actor_id, actor, message_id, detail, created_at)
       SELECT id, 'created', NULL, 'open', $12::uuid, $13::text, $14::bigint, $15::jsonb, $11::timestamptz FROM t
     )
     SELECT (SELECT count(*) FROM t)::int AS inserted FROM (SELECT pg_advisory_xact_lock(hashtext($16::text))) AS locked`,
    [
      t.id, t.conversationId, t.category, t.priority, t.county, t.commodity, t.question, t.onBehalfOf, t.askedBy, t.dueAt,
      t.createdAt, created.actor.id, created.actor.name, created.messageId, JSON.stringify(created.detail), lockKey,
    ],
  );
  return rows[0].inserted > 0;
}

/** One ticket; with `lock`, its row is locked until the transaction ends (state changes go one at a time). */
export async function getTicket(q: Queryable, id: string, opts: { lock?: boolean } = {}): Promise<Ticket | undefined> {
  const { rows } = await q.query(`${TICKET_SELECT} WHERE t.id = $1${opts.lock ? ' FOR UPDATE OF t' : ''}`, [id]);
  return rows[0] ? toTicket(rows[0]) : undefined;
}

export interface TicketChange {
  status?: TicketStatus;
  /** null unassigns */
  assigneeId?: string | null;
  answeredAt?: Date;
  closedAt?: Date;
  activityAt?: Date;
  overdueNotifiedAt?: Date;
}

export async function updateTicket(q: Queryable, id: string, ch: TicketChange, now: Date): Promise<void> {
  await q.query(
    `UPDATE tickets SET
       status = coalesce($2, status),
       assignee_id = CASE WHEN $3 THEN $4::uuid ELSE assignee_id END,
       answered_at = coalesce($5, answered_at),
       closed_at = coalesce($6, closed_at),
       last_activity_at = coalesce($7, last_activity_at),
       overdue_notified_at = coalesce($8, overdue_notified_at),
       updated_at = $9
     WHERE id = $1`,
    [
      id, ch.status ?? null, ch.assigneeId !== undefined, ch.assigneeId ?? null, ch.answeredAt ?? null,
      ch.closedAt ?? null, ch.activityAt ?? null, ch.overdueNotifiedAt ?? null, now,
    ],
  );
}

export interface Actor {
  /** the person's account id; null for the assistant, the system or the ADMIN_TOKEN */
  id: string | null;
  name: string;
}

export const SYSTEM: Actor = { id: null, name: 'system' };
export const ASSISTANT: Actor = { id: null, name: 'assistant' };

export interface NewEvent {
  ticketId: string;
  kind: string;
  fromStatus?: TicketStatus | null;
  toStatus?: TicketStatus | null;
  actor: Actor;
  assigneeId?: string | null;
  messageId?: string | null;
  detail?: Record<string, unknown>;
  at: Date;
}

export async function addEvent(q: Queryable, e: NewEvent): Promise<void> {
  await q.query(
    `INSERT INTO ticket_events (ticket_id, kind, from_status, to_status, actor_id, actor, assignee_id, message_id,
                                detail, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      e.ticketId, e.kind, e.fromStatus ?? null, e.toStatus ?? null, e.actor.id, e.actor.name, e.assigneeId ?? null,
      e.messageId ?? null, JSON.stringify(e.detail ?? {}), e.at,
    ],
  );
}

export interface TicketEvent {
  id: string;
  kind: string;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  actor: string;
  actorId: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  messageId: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
}

export async function listEvents(q: Queryable, ticketId: string): Promise<TicketEvent[]> {
  const { rows } = await q.query(
    `SELECT e.id, e.kind, e.from_status, e.to_status, e.actor, e.actor_id, e.assignee_id, u.name AS assignee_name,
            e.message_id, e.detail, e.created_at
       FROM ticket_events e LEFT JOIN users u ON u.id = e.assignee_id
      WHERE e.ticket_id = $1 ORDER BY e.id`,
    [ticketId],
  );
  return rows.map((r) => ({
    id: String(r.id), kind: r.kind, fromStatus: r.from_status, toStatus: r.to_status, actor: r.actor,
    actorId: r.actor_id, assigneeId: r.assignee_id, assigneeName: r.assignee_name,
    messageId: r.message_id === null ? null : String(r.message_id), detail: r.detail ?? {},
    createdAt: iso(r.created_at)!,
  }));
}

/** The newest ticket an expert holds in this conversation, locked: where a farmer's follow-up goes. */
export async function ownedTicketOf(q: Queryable, conversationId: string): Promise<Ticket | undefined> {
  const { rows } = await q.query(
    `${TICKET_SELECT}
      WHERE t.conversation_id = $1 AND t.status = ANY($2::text[]) AND t.assignee_id IS NOT NULL
      ORDER BY t.created_at DESC LIMIT 1 FOR UPDATE OF t`,
    [conversationId, OWNED_STATUSES],
  );
  return rows[0] ? toTicket(rows[0]) : undefined;
}

/** Whether any other ticket in the conversation is still held by an expert (then it stays in expert mode). */
export async function othersOwned(q: Queryable, conversationId: string, exceptId: string): Promise<boolean> {
  const { rows } = await q.query(
    `SELECT 1 FROM tickets WHERE conversation_id = $1 AND id <> $2 AND status = ANY($3::text[])
        AND assignee_id IS NOT NULL LIMIT 1`,
    [conversationId, exceptId, OWNED_STATUSES],
  );
  return rows.length > 0;
}
