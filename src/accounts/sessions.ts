import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/pool.ts';
import { toUser, userColumns, type User } from './users.ts';

/** Session tokens look like this, so anything else is refused without a database round trip. */
const TOKEN_PREFIX = 'yns_';
const TOKEN_SHAPE = /^yns_[A-Za-z0-9_-]{43}$/;

/** Only this digest is stored: the token has 256 random bits, so a fast hash is enough (no guessing to slow). */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export async function createSession(
  q: Queryable,
  userId: string,
  ttlHours: number,
  ip?: string,
): Promise<{ token: string; expiresAt: string }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const { rows } = await q.query(
    `INSERT INTO sessions (token_hash, user_id, expires_at, ip)
     VALUES ($1, $2, now() + make_interval(secs => $3), $4) RETURNING expires_at`,
    [tokenDigest(token), userId, ttlHours * 3600, ip ?? null],
  );
  return { token, expiresAt: new Date(rows[0].expires_at).toISOString() };
}

/** The account behind a live session token; `undefined` for an unknown, expired or tampered token or a disabled account. */
export async function userForToken(q: Queryable, token: string): Promise<User | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const { rows } = await q.query(
    `SELECT ${userColumns('u')} FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
    [tokenDigest(token)],
  );
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function revokeSession(q: Queryable, token: string): Promise<void> {
  await q.query('DELETE FROM sessions WHERE token_hash = $1', [tokenDigest(token)]);
}

/** Log the person out everywhere (password changed, account disabled). */
export async function revokeUserSessions(q: Queryable, userId: string): Promise<number> {
  const { rowCount } = await q.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  return rowCount ?? 0;
}

export async function purgeExpiredSessions(q: Queryable): Promise<number> {
  const { rowCount } = await q.query('DELETE FROM sessions WHERE expires_at <= now()');
  return rowCount ?? 0;
}
