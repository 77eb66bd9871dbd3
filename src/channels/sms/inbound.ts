import type pg from 'pg';
import { AppError } from '../../errors.ts';
import { cleanMessageText, isUnsafeText } from '../../privacy/clean-text.ts';
import type { Queryable } from '../../db/pool.ts';
import { findOrCreateConversation } from '../../conversations/store.ts';
import type { Turns } from '../../turns/index.ts';
import type { ChannelAdapter, Inbound } from '../../turns/types.ts';
import { officerByPhone } from './officers.ts';
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
  turns: Turns;
  /** the SMS channel adapter (made from the rest when absent) */
  channel?: ChannelAdapter<SmsTurn>;
  officerPhones: Set<string>;
  maxChars: number;
  /** how long a turn may take before another attempt may take it over */
  leaseSeconds: number;
  maxAttempts?: number;
}

/** A stored text as the turn pipeline gets it: the phone in the project's key form. */
export interface SmsTurn extends Inbound {
  phone: string;
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
  // A farmer's text may be dirty (half a character, a control character from an old phone): what cannot be
  // stored or read is dropped and the rest answered. A text with nothing left is still stored and answered
  // (the turn asks the farmer to resend); only a blank one is refused, since there was nothing to answer.
  if (!m.text.trim()) throw new InboundRejected('empty_text', '短信内容是空的');
  const text = cleanMessageText(m.text).trim();
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

/** The SMS channel as the turn pipeline sees it: a phone's conversation, officers known by their phone. */
export function smsChannel(deps: Pick<InboundDeps, 'pool' | 'officerPhones'>): ChannelAdapter<SmsTurn> {
  return {
    channel: 'sms',
    conversation: (m) => findOrCreateConversation(deps.pool, { channel: 'sms', phone: m.phone }),
    async speaker(m, said, conversation) {
      // Only officers' commands (代问, 发布 and the guided exchange it starts) need to know who is asking.
      const kind = said.command?.kind;
      if (kind !== 'ask-for' && kind !== 'post' && !conversation.context?.pending) return { author: 'farmer' };
      const phone = parseSmsPhone(m.phone);
      const officer = phone.ok ? await officerByPhone(deps.pool, phone, deps.officerPhones) : undefined;
      // Only a 代问 is the officer speaking for someone: their other texts are their own questions. The
      // conversation is always the sender's own phone's (the pipeline admits them without a scope check).
      return { author: officer && kind === 'ask-for' ? 'officer' : 'farmer', principal: officer, own: true };
    },
  };
}

/**
 * Step two: the stored message through the turn pipeline (which queues the replies in the SMS outbox), then
 * the inbox row marked handled. Run again after a crash it repeats nothing: the pipeline answers a known
 * channel message id with the replies it stored, and the outbox keys rows by reply id.
 */
export async function handleInbound(deps: InboundDeps, inboxId: string, stored?: InboxRow): Promise<InboundResult> {
  const row = stored ?? (await deps.pool.query<InboxRow & { status: string }>(
    `SELECT gateway, gateway_message_id, phone, text, status FROM sms_inbox WHERE id = $1 AND status = 'received'`, [inboxId],
  )).rows[0];
  if (!row) return { status: 'duplicate', outbox: [] };
  const phone = parseSmsPhone(row.phone);
  if (!phone.ok) throw new Error(`stored SMS ${inboxId} has an unusable phone`);
  const outcome = await deps.turns.receive(deps.channel ?? smsChannel(deps), {
    phone: phone.key, text: row.text, channelMessageId: `${row.gateway}:${row.gateway_message_id}`,
  });
  const conversationId = outcome.conversation.id;
  if (outcome.duplicate && outcome.replies.length === 0 && outcome.conversation.mode !== 'expert') {
    // The turn is still being decided by an attempt we took over from: leave the row for the sweeper,
    // which finishes it once the replies exist.
    return { status: 'stored', conversationId, outbox: [] };
  }
  const { rows } = await deps.pool.query<{ id: string }>(
    `WITH handled AS (
       UPDATE sms_inbox SET status = 'handled', handled_at = now(), conversation_id = $2, message_id = $3, last_error = NULL
        WHERE id = $1 AND status = 'received')
     SELECT id FROM sms_outbox WHERE message_id = ANY($4::bigint[]) ORDER BY id`,
    [inboxId, conversationId, outcome.inbound.id, outcome.replies.map((r) => r.id)],
  );
  return { status: outcome.duplicate ? 'duplicate' : 'handled', conversationId, outbox: rows.map((r) => r.id) };
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
export async function sweepInbox(
  deps: InboundDeps,
  limit = 20,
  log?: (err: unknown, inboxId: string) => void,
  gaveUp?: (row: { inboxId: string; lastError: string }) => void,
): Promise<number> {
  let rows: { id: string }[];
  try {
    // A message no attempt could finish is kept as failed with its last error, for a person to see.
    const failed = await deps.pool.query<{ id: string; last_error: string }>(
      `UPDATE sms_inbox SET status = 'failed', last_error = coalesce(last_error, 'gave up after repeated attempts')
        WHERE status = 'received' AND lease_until < now() AND attempts >= $1
        RETURNING id, last_error`,
      [deps.maxAttempts ?? 5],
    );
    for (const r of failed.rows) gaveUp?.({ inboxId: r.id, lastError: r.last_error });
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
