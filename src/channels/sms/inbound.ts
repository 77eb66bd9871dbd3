import type pg from 'pg';
import { AppError } from '../../errors.ts';
import { isUnsafeText } from '../../privacy/clean-text.ts';
import { withTransaction, type Queryable } from '../../db/pool.ts';
import type { Agent } from '../../bot/index.ts';
import { parseCommand } from '../../bot/commands.ts';
import { normalizeText } from '../../bot/normalize.ts';
import { findOrCreateConversation, setConversationFlags } from '../../conversations/store.ts';
import { hasLoneSurrogate } from './encoding.ts';
import { officerByPhone } from './officers.ts';
import { enqueueOutgoing } from './outbox.ts';
import { parseSmsPhone } from './phone.ts';

export interface InboundSms {
  gateway: 'http' | 'smpp' | 'console';
  /** the gateway's id for this message: the key a retried delivery is recognised by */
  gatewayMessageId: string;
  from: unknown;
  to?: unknown;
  text: unknown;
  receivedAt?: Date;
}

/** A message refused for what it is (not for our trouble): the gateway gets a 4xx, SMPP a permanent error. */
export class InboundRejected extends AppError {
  constructor(
    override readonly code: 'invalid_phone' | 'empty_text' | 'text_too_long' | 'invalid_encoding' | 'invalid_id',
    message: string,
  ) {
    super(code === 'text_too_long' ? 413 : 400, code, message);
  }
}

export interface InboundDeps {
  pool: pg.Pool;
  agent: Agent;
  officerPhones: Set<string>;
  maxChars: number;
  /** how long a turn may take before another attempt may take it over */
  leaseSeconds: number;
  maxAttempts?: number;
}

/** What a turn needs of a stored message. */
export interface InboxRow {
  gateway: string;
  gateway_message_id: string;
  phone: string;
  text: string;
}

export interface StoredInbound {
  inboxId: string;
  row: InboxRow;
  /** false when another attempt handled it or is handling it right now */
  claimed: boolean;
  status: 'received' | 'handled' | 'failed';
}

export interface InboundResult {
  status: 'handled' | 'duplicate' | 'in_progress' | 'stored';
  conversationId?: string;
  outbox: string[];
}

/** Check what a phone or gateway sent before anything is stored; a refusal names what is wrong. */
export function validateInbound(m: InboundSms, maxChars: number): { phone: { key: string; e164: string }; text: string; to: string | null } {
  if (typeof m.gatewayMessageId !== 'string' || !m.gatewayMessageId.trim() || m.gatewayMessageId.length > 200) {
    throw new InboundRejected('invalid_id', '短信编号 id 缺失或太长（最多 200 个字符）');
  }
  // An id is stored and matched as it is: one PostgreSQL cannot hold is refused, never half-stored.
  if (isUnsafeText(m.gatewayMessageId) || /[\p{Cc}]/u.test(m.gatewayMessageId)) {
    throw new InboundRejected('invalid_id', '短信编号 id 含有控制字符或无法识别的字符，请检查网关');
  }
  const phone = parseSmsPhone(m.from);
  if (!phone.ok) throw new InboundRejected('invalid_phone', `发信号码 from 有误：${phone.reason}`);
  if (typeof m.text !== 'string') throw new InboundRejected('empty_text', '短信内容 text 缺失');
  // Half a character, the decoder's replacement mark, or a control character (other than tab and line
  // breaks) means the gateway decoded the bytes with the wrong charset.
  if (hasLoneSurrogate(m.text) || m.text.includes('\uFFFD') || /[^\P{Cc}\t\n\r]/u.test(m.text)) {
    throw new InboundRejected('invalid_encoding', '短信内容编码有误（含无法识别的字符），请检查网关的字符编码（应为 UTF-8）');
  }
  const text = m.text.trim();
  if (!text) throw new InboundRejected('empty_text', '短信内容是空的');
  if (text.length > maxChars) throw new InboundRejected('text_too_long', `短信内容太长：${text.length} 个字，最多 ${maxChars} 个字`);
  const to = typeof m.to === 'string' && m.to.trim() ? m.to.trim().slice(0, 32) : null;
  return { phone: { key: phone.key, e164: phone.e164 }, text, to };
}

/**
 * Step one, before any processing: keep the message, keyed by the gateway's id. A retried delivery finds
 * its row: if a turn is being handled (lease running) or done, it is not handled again; if an earlier
 * attempt died (lease over), this one takes over.
 */
export async function storeInbound(deps: InboundDeps, m: InboundSms, q: Queryable = deps.pool): Promise<StoredInbound> {
  const { phone, text, to } = validateInbound(m, deps.maxChars);
  const id = m.gatewayMessageId.trim();
  const fresh = await q.query<{ id: string }>(
    `INSERT INTO sms_inbox (gateway, gateway_message_id, phone, to_number, text, received_at, lease_until)
     VALUES ($1, $2, $3, $4, $5, coalesce($6, now()), now() + make_interval(secs => $7))
     ON CONFLICT (gateway, gateway_message_id) DO NOTHING RETURNING id`,
    [m.gateway, id, phone.key, to, text, m.receivedAt ?? null, deps.leaseSeconds],
  );
  const row: InboxRow = { gateway: m.gateway, gateway_message_id: id, phone: phone.key, text };
  if (fresh.rows[0]) return { inboxId: fresh.rows[0].id, row, claimed: true, status: 'received' };
  const taken = await q.query<{ id: string }>(
    `UPDATE sms_inbox SET attempts = attempts + 1, lease_until = now() + make_interval(secs => $3)
      WHERE gateway = $1 AND gateway_message_id = $2 AND status = 'received' AND lease_until < now()
      RETURNING id`,
    [m.gateway, id, deps.leaseSeconds],
  );
  if (taken.rows[0]) return { inboxId: taken.rows[0].id, row, claimed: true, status: 'received' };
  const { rows } = await q.query<{ id: string; status: StoredInbound['status'] }>(
    `SELECT id, status FROM sms_inbox WHERE gateway = $1 AND gateway_message_id = $2`, [m.gateway, id],
  );
  return { inboxId: rows[0].id, row, claimed: false, status: rows[0].status };
}

/**
 * Step two: the conversation turn for a stored message, and its replies into the outbox, then the inbox row
 * marked handled in the same transaction as the replies. Run again after a crash it repeats nothing: the
 * agent answers a known channel message id with the replies it already gave, and the outbox keys rows by
 * reply id.
 */
export async function handleInbound(deps: InboundDeps, inboxId: string, stored?: InboxRow): Promise<InboundResult> {
  const row = stored ?? (await deps.pool.query<InboxRow & { status: string }>(
    `SELECT gateway, gateway_message_id, phone, text, status FROM sms_inbox WHERE id = $1 AND status = 'received'`, [inboxId],
  )).rows[0];
  if (!row) return { status: 'duplicate', outbox: [] };
  const phone = parseSmsPhone(row.phone);
  if (!phone.ok) throw new Error(`stored SMS ${inboxId} has an unusable phone`);
  const conversation = await findOrCreateConversation(deps.pool, { channel: 'sms', phone: phone.key });
  const unsubscribes = parseCommand(normalizeText(row.text))?.kind === 'unsubscribe';
  // Consent is the channel's promise: after 退订, writing anything else is opting back in.
  if (conversation.optedOut && !unsubscribes) {
    await setConversationFlags(deps.pool, conversation.id, { optedOut: false });
  }
  // Only officers' commands (代问, 发布 and the guided exchange it starts) need to know who is asking.
  const needsOfficer = /^\s*(代问|发布)/.test(row.text) || Boolean(conversation.context?.pending);
  const officer = needsOfficer ? await officerByPhone(deps.pool, phone, deps.officerPhones) : undefined;
  // Only a 代问 is the officer speaking for someone: their other texts are their own questions, so a
  // farmer named in an earlier 代问 does not get them.
  const asksFor = Boolean(officer) && /^\s*代问/.test(row.text);
  const outcome = await deps.agent.handle({
    conversationId: conversation.id,
    text: row.text,
    author: asksFor ? 'officer' : 'farmer',
    principal: officer,
    channelMessageId: `${row.gateway}:${row.gateway_message_id}`,
  });
  if (outcome.duplicate && outcome.replies.length === 0) {
    // The turn is still being decided by an attempt we took over from, or an expert holds the
    // conversation: leave the row for the sweeper, which finishes it once the replies exist.
    const { rows: c } = await deps.pool.query(`SELECT mode FROM conversations WHERE id = $1`, [conversation.id]);
    if (c[0]?.mode !== 'expert') return { status: 'stored', conversationId: conversation.id, outbox: [] };
  }
  // The 退订 confirmation is the one reply that goes to a phone that has just opted out (the agent set
  // the flag in the turn's transaction).
  const optedOut = unsubscribes;
  const outbox = await withTransaction(deps.pool, async (client) => {
    const ids: string[] = [];
    for (const reply of outcome.replies) {
      if (!reply.text.trim()) continue;
      ids.push(...(await enqueueOutgoing(client, {
        to: phone.key, text: reply.text, kind: 'reply', conversationId: conversation.id, messageId: reply.id,
      }, { bypassOptOut: optedOut })));
    }
    await client.query(
      `UPDATE sms_inbox SET status = 'handled', handled_at = now(), conversation_id = $2, message_id = $3, last_error = NULL
        WHERE id = $1 AND status = 'received'`,
      [inboxId, conversation.id, outcome.inbound.id],
    );
    return ids;
  });
  return { status: outcome.duplicate ? 'duplicate' : 'handled', conversationId: conversation.id, outbox };
}

/** Store, then handle: the webhook's path. A failure after storing leaves the message to the sweeper. */
export async function receiveSms(
  deps: InboundDeps,
  m: InboundSms,
  onLateError?: (err: unknown) => void,
): Promise<InboundResult> {
  const stored = await storeInbound(deps, m);
  if (!stored.claimed) {
    return { status: stored.status === 'received' ? 'in_progress' : 'duplicate', outbox: [] };
  }
  try {
    return await handleInbound(deps, stored.inboxId, stored.row);
  } catch (err) {
    await noteInboxError(deps, stored.inboxId, err);
    onLateError?.(err);
    return { status: 'stored', outbox: [] };
  }
}

async function noteInboxError(deps: InboundDeps, inboxId: string, err: unknown): Promise<void> {
  await deps.pool
    .query(
      `UPDATE sms_inbox SET last_error = $2,
              status = CASE WHEN attempts >= $3 THEN 'failed' ELSE status END
        WHERE id = $1 AND status = 'received'`,
      [inboxId, String((err as Error)?.message ?? err).slice(0, 500), deps.maxAttempts ?? 5],
    )
    .catch(() => {});
}

/**
 * Turns a crash or an error interrupted: take over rows whose lease ran out and handle them. Returns how many
 * it handled. Never throws; each row's failure is noted on the row.
 */
export async function sweepInbox(deps: InboundDeps, limit = 20, log?: (err: unknown, inboxId: string) => void): Promise<number> {
  let rows: { id: string }[];
  try {
    // A message no attempt could finish is kept as failed with its last error, for a person to see.
    await deps.pool.query(
      `UPDATE sms_inbox SET status = 'failed', last_error = coalesce(last_error, 'gave up after repeated attempts')
        WHERE status = 'received' AND lease_until < now() AND attempts >= $1`,
      [deps.maxAttempts ?? 5],
    );
    ({ rows } = await deps.pool.query<{ id: string }>(
      `WITH due AS (
         SELECT id FROM sms_inbox WHERE status = 'received' AND lease_until < now()
          ORDER BY lease_until LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE sms_inbox i SET attempts = i.attempts + 1, lease_until = now() + make_interval(secs => $2)
         FROM due WHERE i.id = due.id RETURNING i.id`,
      [limit, deps.leaseSeconds],
    ));
  } catch (err) {
    log?.(err, '-');
    return 0;
  }
  let handled = 0;
  for (const { id } of rows) {
    try {
      const r = await handleInbound(deps, id);
      if (r.status !== 'stored') handled++;
    } catch (err) {
      await noteInboxError(deps, id, err);
      log?.(err, id);
    }
  }
  return handled;
}
