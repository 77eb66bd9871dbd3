import { EventEmitter } from 'node:events';
import { afterCommit, type Queryable } from '../../db/pool.ts';
import { hasLoneSurrogate, smsShape } from './encoding.ts';
import { DEFAULT_BUDGET_SEGMENTS, smsBudgetText, smsPages } from './pager.ts';
import { parseSmsPhone } from './phone.ts';

export { smsBudgetText } from './pager.ts';

export type SmsKind = 'reply' | 'expert' | 'notify';

export interface OutgoingSms {
  to: string;
  text: string;
  kind: SmsKind;
  conversationId?: string | null;
  messageId?: string | null;
}

/** A text the caller cannot send (no such phone, nothing to say): the caller's mistake, never retried. */
export class SmsInputError extends Error {
  readonly code = 'invalid_sms';
}

/** Wakes this process's outbox worker when something was queued (other instances poll). */
export const outboxSignal = new EventEmitter();
outboxSignal.setMaxListeners(0);

const settings = { budgetSegments: DEFAULT_BUDGET_SEGMENTS };

/** The SMS budget in segments (SMS_BUDGET_SEGMENTS), set once at start. */
export function configureOutbox(opts: { budgetSegments: number }): void {
  settings.budgetSegments = opts.budgetSegments;
}

/** The budget the outbox pages to, for the channel adapter that pages a turn's replies the same way. */
export function budgetSegments(): number {
  return settings.budgetSegments;
}

/**
 * Queue an SMS inside the caller's transaction; the worker sends it after commit. Returns the outbox row ids
 * (one per SMS as the farmer sees it). A text over the budget is paged: with an SMS conversation, the first
 * page ends with "（回复1看更多）" and the rest waits in the conversation for "1" (as the agent pages answers);
 * without one, it goes as numbered pages. Enqueuing the same message (messageId) to the same phone again
 * returns the rows already there: a retried webhook or a replayed job queues nothing twice.
 */
export async function enqueueSms(q: Queryable, msg: OutgoingSms): Promise<string[]> {
  return enqueueOutgoing(q, msg);
}

export async function enqueueOutgoing(q: Queryable, msg: OutgoingSms, opts: { bypassOptOut?: boolean } = {}): Promise<string[]> {
  const phone = parseSmsPhone(msg.to);
  if (!phone.ok) throw new SmsInputError(`短信收件号码有误：${phone.reason}`);
  // Our own text with a broken character would fail at every gateway: send a visible mark instead.
  const text = (hasLoneSurrogate(msg.text) ? msg.text.replace(/[\uD800-\uDFFF]/g, '?') : msg.text).trim();
  if (!text) throw new SmsInputError('短信内容是空的');
  const messageId = msg.messageId ?? null;
  const paged = await pagesFor(q, text, msg, phone.key, settings.budgetSegments);
  const ids: string[] = [];
  for (const [seq, page] of paged.pages.entries()) {
    const shape = smsShape(page);
    const { rows } = await q.query<{ id: string }>(
      `INSERT INTO sms_outbox (phone, text, kind, seq, conversation_id, message_id, encoding, segments, bypass_opt_out)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (message_id, phone, seq) WHERE message_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [phone.key, page, msg.kind, seq, msg.conversationId ?? null, messageId, shape.encoding, shape.segments,
        opts.bypassOptOut ?? false],
    );
    if (!rows[0]) {
      // Queued before (a retried webhook, a replayed job): those rows are the answer, and the rest of a
      // paged text was kept then too.
      const existing = await q.query<{ id: string }>(
        `SELECT id FROM sms_outbox WHERE message_id = $1 AND phone = $2 ORDER BY seq`, [messageId, phone.key],
      );
      return existing.rows.map((r) => r.id);
    }
    ids.push(rows[0].id);
  }
  if (paged.more !== undefined) await keepRest(q, msg.conversationId!, paged.more);
  // The worker must find the rows when it wakes: after the caller's transaction commits.
  afterCommit(q, () => outboxSignal.emit('queued'));
  return ids;
}

/**
 * The text as it goes: whole; or a first page with "（回复1看更多）" and the rest for "1" when this phone's SMS
 * conversation is named to keep it in; or numbered pages when it isn't (a 代问 copy sent with the officer's
 * conversation, a notice to a bare number). A turn's reply arrives paged already (the SMS channel adapter
 * renders it with the same pager), so it fits.
 */
async function pagesFor(
  q: Queryable, text: string, msg: OutgoingSms, phone: string, budget: number,
): Promise<{ pages: string[]; more?: string }> {
  if (smsShape(text).segments <= budget) return { pages: [text] };
  const own = msg.conversationId
    ? (await q.query(`SELECT 1 FROM conversations WHERE id = $1 AND channel = 'sms' AND farmer_phone = $2`, [msg.conversationId, phone])).rowCount
    : 0;
  if (!own) return { pages: smsPages(text, budget) };
  const paged = smsBudgetText(text, budget);
  return { pages: [paged.text], more: paged.more ?? '' };
}

async function keepRest(q: Queryable, conversationId: string, more: string): Promise<void> {
  await q.query(
    `UPDATE conversations SET context = jsonb_set(context, '{more}', to_jsonb($2::text)), updated_at = now() WHERE id = $1`,
    [conversationId, more],
  );
}
