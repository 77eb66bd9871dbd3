import type { Queryable } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import type pg from 'pg';
import { hashPassword, verifyPassword } from './passwords.ts';
import { createSession, revokeUserSessions } from './sessions.ts';
import { clearFailures, reserveAttempt } from './throttle.ts';
import { findForLogin, getUser, setPasswordHash } from './users.ts';
import type { LoginPolicy } from './login.ts';

export type PasswordChangeResult =
  | { ok: true; token: string; expiresAt: string }
  | { ok: false; reason: 'wrong_password' | 'same_password' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

/**
 * A person replaces their own password, proving the current one (a stolen token alone cannot take the
 * account). Wrong current passwords count towards the same lock-out as logins. Every other session ends
 * and a fresh one is returned, so the page that asked stays logged in.
 */
export async function changeOwnPassword(
  pool: pg.Pool,
  policy: LoginPolicy,
  input: { userId: string; currentPassword: string; newPassword: string; ip?: string },
): Promise<PasswordChangeResult> {
  const user = await getUser(pool, input.userId);
  if (!user) throw new Error(`account ${input.userId} vanished during its own password change`);
  const key = `user:${user.username.toLowerCase()}`;
  // Counted before the current password is checked, as logins are, so concurrent guesses can't race it.
  const reserved = await reserveAttempt(pool, key, { maxFailures: policy.maxFailures, windowMinutes: policy.lockMinutes, lockMinutes: policy.lockMinutes });
  if (!reserved.allowed) return { ok: false, reason: 'locked', retryAfterSeconds: reserved.retryAfterSeconds };
  const found = await findForLogin(pool, user.username);
  if (!found || !(await verifyPassword(found.passwordHash, input.currentPassword))) {
    return { ok: false, reason: 'wrong_password' };
  }
  if (input.currentPassword === input.newPassword) return { ok: false, reason: 'same_password' };
  const hash = await hashPassword(input.newPassword);
  return withTransaction(pool, async (q: Queryable) => {
    await setPasswordHash(q, user.id, hash, { mustChange: false });
    await revokeUserSessions(q, user.id);
    await clearFailures(q, key);
    const session = await createSession(q, user.id, policy.sessionTtlHours, input.ip);
    return { ok: true as const, ...session };
  });
}
