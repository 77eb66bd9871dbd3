import type { Queryable } from '../db/pool.ts';
import { dummyHash, verifyPassword } from './passwords.ts';
import { createSession } from './sessions.ts';
import { clearFailures, releaseAttempt, reserveAttempt } from './throttle.ts';
import { findForLogin, type User } from './users.ts';

export interface LoginPolicy {
  sessionTtlHours: number;
  maxFailures: number;
  /** failures from one client address before it is locked out too; 0 = no address limit */
  maxFailuresPerIp: number;
  lockMinutes: number;
}

export type LoginResult =
  | { ok: true; token: string; expiresAt: string; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

/**
 * Check a username and password and open a session. Attempts are counted per username (known or not) and
 * per client address before the password is checked; a locked key refuses even the right password until
 * the lock ends, so guessing stops paying. The same answer and about the same time for an unknown name as for a wrong password.
 */
export async function login(
  q: Queryable,
  policy: LoginPolicy,
  attempt: { username: string; password: string; ip?: string },
): Promise<LoginResult> {
  const userKey = `user:${attempt.username.trim().toLowerCase()}`;
  const ipKey = attempt.ip && policy.maxFailuresPerIp > 0 ? `ip:${attempt.ip}` : undefined;
  const window = { windowMinutes: policy.lockMinutes, lockMinutes: policy.lockMinutes };
  // Counted before the password is checked, so concurrent guesses cannot all get past the limit.
  const byUser = await reserveAttempt(q, userKey, { ...window, maxFailures: policy.maxFailures });
  const byIp = ipKey ? await reserveAttempt(q, ipKey, { ...window, maxFailures: policy.maxFailuresPerIp }) : { allowed: true as const };
  if (!byUser.allowed || !byIp.allowed) {
    const wait = Math.max(byUser.allowed ? 0 : byUser.retryAfterSeconds, byIp.allowed ? 0 : byIp.retryAfterSeconds);
    return { ok: false, reason: 'locked', retryAfterSeconds: wait };
  }

  const found = await findForLogin(q, attempt.username.trim());
  const ok = found
    ? await verifyPassword(found.passwordHash, attempt.password)
    : (await verifyPassword(await dummyHash(), attempt.password), false);
  if (!found || !ok || found.user.disabled) return { ok: false, reason: 'invalid' };
  await clearFailures(q, userKey);
  if (ipKey) await releaseAttempt(q, ipKey);
  const session = await createSession(q, found.user.id, policy.sessionTtlHours, attempt.ip);
  return { ok: true, ...session, user: found.user };
}
