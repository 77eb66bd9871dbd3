import type { Queryable } from '../db/pool.ts';
import { dummyHash, verifyPassword } from './passwords.ts';
import { createSession } from './sessions.ts';
import { clearFailures, lockedFor, recordFailure } from './throttle.ts';
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
 * Check a username and password and open a session. Failures are counted per username (known or not) and
 * per client address; a locked key refuses even the right password until the lock ends, so guessing stops
 * paying. The same answer and about the same time for an unknown name as for a wrong password.
 */
export async function login(
  q: Queryable,
  policy: LoginPolicy,
  attempt: { username: string; password: string; ip?: string },
): Promise<LoginResult> {
  const userKey = `user:${attempt.username.trim().toLowerCase()}`;
  const ipKey = attempt.ip && policy.maxFailuresPerIp > 0 ? `ip:${attempt.ip}` : undefined;
  const keys = ipKey ? [userKey, ipKey] : [userKey];
  const locked = await lockedFor(q, keys);
  if (locked > 0) return { ok: false, reason: 'locked', retryAfterSeconds: locked };

  const found = await findForLogin(q, attempt.username.trim());
  const ok = found
    ? await verifyPassword(found.passwordHash, attempt.password)
    : (await verifyPassword(await dummyHash(), attempt.password), false);
  if (!found || !ok || found.user.disabled) {
    const window = { windowMinutes: policy.lockMinutes, lockMinutes: policy.lockMinutes };
    await recordFailure(q, userKey, { ...window, maxFailures: policy.maxFailures });
    if (ipKey) await recordFailure(q, ipKey, { ...window, maxFailures: policy.maxFailuresPerIp });
    return { ok: false, reason: 'invalid' };
  }
  await clearFailures(q, userKey);
  const session = await createSession(q, found.user.id, policy.sessionTtlHours, attempt.ip);
  return { ok: true, ...session, user: found.user };
}
