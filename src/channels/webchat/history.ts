import type { Queryable } from '../../db/pool.ts';
import { toMessage } from '../../conversations/store.ts';
import type { Message } from '../../conversations/types.ts';
import { toWire, type WireMessage } from './protocol.ts';

// Read-only queries the web chat needs beyond the conversation store: a farmer's record by phone for
// officers, and the ticket behind an escalated reply.

const COLUMNS = `m.id, m.conversation_id, m.author, m.author_id, m.text, m.intent, m.slots, m.confidence, m.citations,
  m.quick_replies, m.escalated, m.channel_message_id, m.reply_to, m.created_at`;

/**
 * A farmer's most recent questions and answers on every channel keyed by phone (SMS, the API, officers'
 * 代问), oldest first.
 */
export async function farmerHistory(q: Queryable, phone: string, limit = 100): Promise<(WireMessage & { channel: string })[]> {
  const { rows } = await q.query(
    `SELECT ${COLUMNS}, c.channel FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE c.channel = ANY($2) AND c.farmer_phone = $1
      ORDER BY m.id DESC LIMIT $3`,
    [phone, ['sms', 'api', 'web'], limit],
  );
  const messages = rows.reverse().map((r) => ({ m: toMessage(r), channel: r.channel as string }));
  const tickets = await ticketIds(q, messages.map((x) => x.m));
  return messages.map(({ m, channel }) => ({ ...toWire(m, { ticketId: tickets.get(m.id) }), channel }));
}

/** Ticket (escalation) ids of the escalated messages among these. */
export async function ticketIds(q: Queryable, messages: Message[]): Promise<Map<string, string>> {
  const ids = messages.filter((m) => m.escalated).map((m) => m.id);
  if (!ids.length) return new Map();
  const { rows } = await q.query(`SELECT message_id, id FROM escalations WHERE message_id = ANY($1::bigint[])`, [ids]);
  return new Map(rows.map((r) => [String(r.message_id), String(r.id)]));
}

/** Messages with their ticket ids, as the page sees them. */
export async function toWireAll(q: Queryable, messages: Message[], extra: { onBehalfOf?: string } = {}): Promise<WireMessage[]> {
  const tickets = await ticketIds(q, messages);
  return messages.map((m) => toWire(m, { ticketId: tickets.get(m.id), onBehalfOf: extra.onBehalfOf }));
}
