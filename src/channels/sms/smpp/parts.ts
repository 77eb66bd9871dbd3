import { createHash } from 'node:crypto';
import { withTransaction } from '../../../db/pool.ts';
import type { Queryable } from '../../../db/pool.ts';
import { InboundRejected, storeInbound, type InboundDeps, type StoredInbound } from '../inbound.ts';
import type { ConcatInfo } from './codec.ts';

// Long inbound texts arrive as parts, in any order, maybe twice, maybe across a restart. Parts wait in
// PostgreSQL; the part that completes the set turns them into one inbox message in the same transaction that
// deletes them, so the text is never both lost and never stored twice.

const GAP = '…';

export function concatMessageId(phone: string, c: { ref: number; total: number }, text: string): string {
  const digest = createHash('sha1').update(text).digest('hex').slice(0, 16);
  return `concat:${phone}:${c.ref}:${c.total}:${digest}`;
}

/**
 * Keep one part; when it completes its message, store the whole text in the inbox and return it (else
 * null). Parts of one message are serialised by an advisory lock so two last parts can't both miss the set.
 */
export async function addPart(
  deps: InboundDeps,
  p: { phone: string; to: string | null; text: string; concat: ConcatInfo },
): Promise<StoredInbound | null> {
  const outcome = await withTransaction(deps.pool, async (client): Promise<StoredInbound | InboundRejected | null> => {
    const { ref, total, part } = p.concat;
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`sms-parts:${p.phone}:${ref}:${total}`]);
    await client.query(
      `INSERT INTO sms_inbound_parts (phone, ref, total, part, payload, to_number) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [p.phone, ref, total, part, Buffer.from(p.text, 'utf16le'), p.to],
    );
    const { rows } = await client.query<{ part: number; payload: Buffer }>(
      `SELECT part, payload FROM sms_inbound_parts WHERE phone = $1 AND ref = $2 AND total = $3 ORDER BY part`,
      [p.phone, ref, total],
    );
    if (rows.length < total) return null;
    try {
      return await complete(deps, client, { phone: p.phone, to: p.to, ref, total }, Buffer.concat(rows.map((r) => r.payload)).toString('utf16le'));
    } catch (err) {
      // The whole text is refused (too long, say): the parts go, the refusal is counted by the caller.
      if (!(err instanceof InboundRejected)) throw err;
      await deleteSet(client, p.phone, ref, total);
      return err;
    }
  });
  if (outcome instanceof InboundRejected) throw outcome;
  return outcome;
}

async function deleteSet(q: Queryable, phone: string, ref: number, total: number): Promise<void> {
  await q.query(`DELETE FROM sms_inbound_parts WHERE phone = $1 AND ref = $2 AND total = $3`, [phone, ref, total]);
}

async function complete(
  deps: InboundDeps,
  client: Queryable,
  m: { phone: string; to: string | null; ref: number; total: number },
  text: string,
): Promise<StoredInbound> {
  await deleteSet(client, m.phone, m.ref, m.total);
  return storeInbound(deps, {
    gateway: 'smpp', gatewayMessageId: concatMessageId(m.phone, m, text), from: m.phone, to: m.to ?? undefined, text,
  }, client);
}

/**
 * Sets whose missing part never came (the network lost it): after `olderThanSeconds`, what arrived is
 * handled with "…" where parts are missing, rather than the farmer's question vanishing.
 */
export async function flushStaleParts(deps: InboundDeps, olderThanSeconds: number): Promise<string[]> {
  const { rows: sets } = await deps.pool.query<{ phone: string; ref: number; total: number }>(
    `SELECT phone, ref, total FROM sms_inbound_parts GROUP BY phone, ref, total
      HAVING max(received_at) < now() - make_interval(secs => $1) LIMIT 50`,
    [olderThanSeconds],
  );
  const stored: string[] = [];
  for (const set of sets) {
    const result = await withTransaction(deps.pool, async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`sms-parts:${set.phone}:${set.ref}:${set.total}`]);
      const { rows } = await client.query<{ part: number; payload: Buffer; to_number: string | null }>(
        `SELECT part, payload, to_number FROM sms_inbound_parts WHERE phone = $1 AND ref = $2 AND total = $3 ORDER BY part`,
        [set.phone, set.ref, set.total],
      );
      if (!rows.length) return null;
      const units: Buffer[] = [];
      for (let i = 1; i <= set.total; i++) units.push(rows.find((r) => r.part === i)?.payload ?? Buffer.from(GAP, 'utf16le'));
      // A pair split at a missing part stays half a character: show it as the replacement mark it is.
      const text = Buffer.concat(units).toString('utf16le').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?');
      try {
        return await complete(deps, client, { ...set, to: rows[0].to_number }, text);
      } catch (err) {
        // Unusable even as a whole: drop the parts rather than retry them for ever.
        if (!(err instanceof InboundRejected)) throw err;
        await deleteSet(client, set.phone, set.ref, set.total);
        return null;
      }
    });
    if (result?.claimed) stored.push(result.inboxId);
  }
  return stored;
}
