import type { Queryable } from '../../db/pool.ts';
import type { Principal } from '../../accounts/principal.ts';
import { maskPhone } from './phone.ts';

/**
 * The 信息员 behind a phone, if any: an enabled officer account with that phone (the accounts table), or a
 * number in SMS_OFFICER_PHONES (a stop-gap for villages whose accounts aren't made yet). Both are read at
 * each message so a disabled account stops at once.
 */
export async function officerByPhone(q: Queryable, phone: { key: string; e164: string }, listed: Set<string>): Promise<Principal | undefined> {
  try {
    const { rows } = await q.query<{ id: string; name: string }>(
      `SELECT id, name FROM users WHERE role = 'officer' AND NOT disabled AND phone IN ($1, $2) LIMIT 1`,
      [phone.key, phone.e164],
    );
    if (rows[0]) return { role: 'officer', userId: rows[0].id, name: rows[0].name };
  } catch (err) {
    // No accounts table in this database yet (42P01): the configured list is all there is.
    if ((err as { code?: string }).code !== '42P01') throw err;
  }
  if (listed.has(phone.key)) return { role: 'officer', name: `信息员 ${maskPhone(phone.key)}` };
  return undefined;
}
