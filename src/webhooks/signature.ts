import { createHmac, timingSafeEqual } from 'node:crypto';

// Webhooks are signed both ways (the generic SMS gateway, the provincial exchange): X-Yinong-Timestamp (unix seconds) and
// X-Yinong-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">. Signing the raw bytes, not
// re-serialised JSON, is what lets both sides agree whatever their JSON libraries do with spacing and order.

export const TIMESTAMP_HEADER = 'x-yinong-timestamp';
export const SIGNATURE_HEADER = 'x-yinong-signature';

export function sign(secret: string, timestamp: string, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`);
  mac.update(rawBody);
  return `sha256=${mac.digest('hex')}`;
}

/** Headers for an outgoing signed request at `now`. */
export function signedHeaders(secret: string, rawBody: string, now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  return { 'X-Yinong-Timestamp': timestamp, 'X-Yinong-Signature': sign(secret, timestamp, rawBody) };
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Check a request's signature. Stale (older than `maxAgeSeconds`) and far-future timestamps are refused so
 * a captured request cannot be replayed later; the comparison takes the same time whatever matches.
 */
export function verifySignature(
  secret: string,
  headers: { timestamp?: string | string[]; signature?: string | string[] },
  rawBody: Buffer,
  maxAgeSeconds: number,
  now = Date.now(),
): Verdict {
  const timestamp = single(headers.timestamp);
  const signature = single(headers.signature);
  if (!timestamp || !signature) return { ok: false, reason: '缺少 X-Yinong-Timestamp 或 X-Yinong-Signature 签名头' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Yinong-Timestamp 应为 unix 秒数' };
  const age = now / 1000 - Number(timestamp);
  if (age > maxAgeSeconds) return { ok: false, reason: `请求已过期（签名时间早于 ${maxAgeSeconds} 秒前）` };
  if (age < -maxAgeSeconds) return { ok: false, reason: '签名时间在未来，请检查网关时钟' };
  const expected = Buffer.from(sign(secret, timestamp, rawBody));
  const given = Buffer.from(signature.trim());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: '签名不对' };
  return { ok: true };
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
