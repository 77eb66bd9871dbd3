import type { Queryable } from '../db/pool.ts';
import type { Author, Channel, Citation, Conversation, ConversationContext, Message } from './types.ts';

const CONVERSATION_COLUMNS = `id, channel, farmer_phone, web_id, county, context, mode, opted_out`;
const MESSAGE_COLUMNS = `id, conversation_id, author, author_id, text, intent, slots, confidence, citations,
  quick_replies, escalated, channel_message_id, reply_to, created_at`;

function toConversation(r: any): Conversation {
  return {
    id: r.id, channel: r.channel, farmerPhone: r.farmer_phone, webId: r.web_id, county: r.county,
    context: r.context ?? {}, mode: r.mode, optedOut: r.opted_out,
  };
}

export function toMessage(r: any): Message {
  return {
    id: String(r.id), conversationId: r.conversation_id, author: r.author, authorId: r.author_id, text: r.text,
    intent: r.intent, slots: r.slots ?? {}, confidence: r.confidence === null ? null : Number(r.confidence),
    citations: r.citations ?? [], quickReplies: r.quick_replies ?? [], escalated: r.escalated,
    channelMessageId: r.channel_message_id, replyTo: r.reply_to === null ? null : String(r.reply_to),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export interface Identity {
  channel: Channel;
  phone?: string;
  webId?: string;
  /** who opens it, when it is new (conversations/scope.ts `creatorKey`) */
  createdBy?: string;
}

/**
 * The conversation for this phone or device on this channel, created on first contact (race-safe). One
 * statement that writes only on first contact: the found row is read, and the insert (whose conflict with a
 * row made meanwhile returns that row) runs only when none was found.
 */
export async function findOrCreateConversation(q: Queryable, who: Identity): Promise<Conversation> {
  const webId = who.webId ?? null;
  const [conflict, match] = webId
    ? ['(channel, web_id) WHERE web_id IS NOT NULL', 'web_id = $3']
    : ['(channel, farmer_phone) WHERE web_id IS NULL', 'farmer_phone = $2 AND web_id IS NULL'];
  const { rows } = await q.query(
    `WITH found AS (
       SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE channel = $1 AND ${match}
     ), made AS (
       INSERT INTO conversations (channel, farmer_phone, web_id, created_by)
       SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM found)
       ON CONFLICT ${conflict} DO UPDATE SET updated_at = now()
       RETURNING ${CONVERSATION_COLUMNS}
     )
     SELECT * FROM found UNION ALL SELECT * FROM made`,
    [who.channel, who.phone ?? null, webId, who.createdBy ?? null],
  );
  return toConversation(rows[0]);
}

export async function getConversation(q: Queryable, id: string): Promise<Conversation | undefined> {
  const { rows } = await q.query(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1`, [id]);
  return rows[0] ? toConversation(rows[0]) : undefined;
}

/** Lock the conversation row for this transaction: turns of one farmer are handled one at a time. */
export async function lockConversation(q: Queryable, id: string): Promise<Conversation | undefined> {
  const { rows } = await q.query(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] ? toConversation(rows[0]) : undefined;
}

export async function setConversationFlags(
  q: Queryable,
  id: string,
  flags: { mode?: 'bot' | 'expert'; optedOut?: boolean; farmerPhone?: string },
): Promise<void> {
  await q.query(
    `UPDATE conversations SET mode = coalesce($2, mode), opted_out = coalesce($3, opted_out),
            farmer_phone = coalesce(farmer_phone, $4), updated_at = now() WHERE id = $1`,
    [id, flags.mode ?? null, flags.optedOut ?? null, flags.farmerPhone ?? null],
  );
}

export interface NewMessage {
  conversationId: string;
  author: Author;
  authorId?: string | null;
  text: string;
  intent?: string | null;
  slots?: Record<string, unknown>;
  confidence?: number | null;
  citations?: Citation[];
  quickReplies?: string[];
  escalated?: boolean;
  channelMessageId?: string | null;
  replyTo?: string | null;
}

// One INSERT for every message: a channel message id already stored in the conversation (a resend, a resumed
// turn) inserts nothing, and the stored one is read back instead.
const INSERT_MESSAGE = `
  INSERT INTO messages (conversation_id, author, author_id, text, intent, slots, confidence, citations,
                        quick_replies, escalated, channel_message_id, reply_to)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
  ON CONFLICT (conversation_id, channel_message_id) WHERE channel_message_id IS NOT NULL DO NOTHING
  RETURNING ${MESSAGE_COLUMNS}`;

/** INSERT_MESSAGE's $1 to $12. */
function messageValues(m: NewMessage): unknown[] {
  return [
    m.conversationId, m.author, m.authorId ?? null, m.text, m.intent ?? null, JSON.stringify(m.slots ?? {}),
    m.confidence ?? null, JSON.stringify(m.citations ?? []), JSON.stringify(m.quickReplies ?? []),
    m.escalated ?? false, m.channelMessageId ?? null, m.replyTo ?? null,
  ];
}

/** The message stored first under this channel message id. */
async function storedCopy(q: Queryable, m: NewMessage): Promise<Message> {
  const { rows } = await q.query(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND channel_message_id = $2`,
    [m.conversationId, m.channelMessageId],
  );
  return toMessage(rows[0]);
}

/**
 * Store a message. With a channel message id, a resend returns the stored one and `duplicate: true`
 * instead of a second row.
 */
export async function insertMessage(q: Queryable, m: NewMessage): Promise<{ message: Message; duplicate: boolean }> {
  const { rows } = await q.query(INSERT_MESSAGE, messageValues(m));
  if (rows[0]) return { message: toMessage(rows[0]), duplicate: false };
  return { message: await storedCopy(q, m), duplicate: true };
}

/**
 * A reply and the conversation's new memory in one statement (atomic without a transaction): the common
 * turn costs one round trip to store instead of four.
 */
export async function insertReplyWithContext(
  q: Queryable,
  m: NewMessage,
  update: { context: ConversationContext; county?: string | null; optedOut?: boolean },
): Promise<Message> {
  const { rows } = await q.query(
    `WITH saved AS (
       UPDATE conversations SET context = $13, county = coalesce($14, county), opted_out = coalesce($15, opted_out),
              updated_at = now()
        WHERE id = $1
     ) ${INSERT_MESSAGE}`,
    [...messageValues(m), JSON.stringify(update.context), update.county ?? null, update.optedOut ?? null],
  );
  if (rows[0]) return toMessage(rows[0]);
  // Another attempt stored this reply first (its key is taken): that one is the reply.
  return storedCopy(q, m);
}

/**
 * An escalated reply and its escalation in one statement: the escalation's id, or `duplicate` when another
 * attempt stored this reply first (that one is the reply, and it has its escalation already).
 */
export async function insertEscalatedReply(
  q: Queryable,
  m: NewMessage,
  e: Omit<NewEscalation, 'conversationId' | 'messageId'>,
): Promise<{ message: Message; duplicate: boolean; escalationId?: string }> {
  const { rows } = await q.query(
    `WITH m AS (${INSERT_MESSAGE}), e AS (
       INSERT INTO escalations (conversation_id, message_id, question, category, county, commodity, reason, passages)
       SELECT conversation_id, id, $13, $14, $15, $16, $17, $18 FROM m
       ON CONFLICT (message_id) DO UPDATE SET reason = escalations.reason
       RETURNING id
     ) SELECT m.*, (SELECT id FROM e) AS escalation_id FROM m`,
    [...messageValues(m), e.question, e.category, e.county ?? null, e.commodity ?? null, e.reason, JSON.stringify(e.passages)],
  );
  if (rows[0]) return { message: toMessage(rows[0]), duplicate: false, escalationId: rows[0].escalation_id };
  return { message: await storedCopy(q, m), duplicate: true };
}

/**
 * The end of a turn in one statement: the conversation's new memory (and consent, when the turn changed it)
 * and the texts of replies corrected after they were stored (an escalated reply's real wait).
 */
export async function saveTurn(
  q: Queryable,
  id: string,
  update: { context: ConversationContext; county?: string | null; optedOut?: boolean; texts: { id: string; text: string }[] },
): Promise<void> {
  await q.query(
    `WITH texts AS (
       UPDATE messages m SET text = t.text FROM unnest($5::bigint[], $6::text[]) AS t(id, text)
        WHERE m.id = t.id AND m.conversation_id = $1
     )
     UPDATE conversations SET context = $2, county = coalesce($3, county), opted_out = coalesce($4, opted_out),
            updated_at = now()
      WHERE id = $1`,
    [id, JSON.stringify(update.context), update.county ?? null, update.optedOut ?? null,
      update.texts.map((t) => t.id), update.texts.map((t) => t.text)],
  );
}

/** Correct a message's text before it is published (inside the transaction that wrote it). */
export async function setMessageText(q: Queryable, id: string, text: string): Promise<void> {
  await q.query('UPDATE messages SET text = $2 WHERE id = $1', [id, text]);
}

/** Messages after a given id, oldest first: what a client has not seen yet. */
export async function messagesAfter(q: Queryable, conversationId: string, afterId = '0', limit = 200): Promise<Message[]> {
  const { rows } = await q.query(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
    [conversationId, afterId, limit],
  );
  return rows.map(toMessage);
}

/** Replies already stored for an inbound message (a resent message gets the same answer, not a new one). */
export async function repliesTo(q: Queryable, messageId: string): Promise<Message[]> {
  const { rows } = await q.query(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE reply_to = $1 ORDER BY id`, [messageId]);
  return rows.map(toMessage);
}

export interface NewEscalation {
  conversationId: string;
  messageId: string;
  question: string;
  category: string;
  county?: string | null;
  commodity?: string | null;
  reason: string;
  passages: unknown[];
}

/** Keep an escalated question for the expert team; the same message never makes two. */
export async function insertEscalation(q: Queryable, e: NewEscalation): Promise<string> {
  const { rows } = await q.query(
    `INSERT INTO escalations (conversation_id, message_id, question, category, county, commodity, reason, passages)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (message_id) DO UPDATE SET reason = escalations.reason
     RETURNING id`,
    [e.conversationId, e.messageId, e.question, e.category, e.county ?? null, e.commodity ?? null, e.reason,
      JSON.stringify(e.passages)],
  );
  return rows[0].id;
}
